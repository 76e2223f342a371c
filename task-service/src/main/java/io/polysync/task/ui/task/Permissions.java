package io.polysync.task.ui.task;

import io.polysync.task.security.Role;
import org.springframework.security.access.AccessDeniedException;
import org.springframework.security.core.Authentication;

/** The role checks of the task pages: buttons are hidden from those who lack the role, and refused on the server. */
final class Permissions {

    private Permissions() {
    }

    static boolean has(Authentication user, Role role) {
        return user != null && user.getAuthorities().stream().anyMatch(a -> role.authority().equals(a.getAuthority()));
    }

    static void require(Authentication user, Role role) {
        if (!has(user, role)) {
            throw new AccessDeniedException("this needs the " + role.id() + " role");
        }
    }
}
