package io.polysync.task.ui;

import io.polysync.task.security.Role;
import org.springframework.security.access.AccessDeniedException;
import org.springframework.security.core.Authentication;
import org.springframework.security.core.GrantedAuthority;

import java.util.Arrays;
import java.util.Comparator;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * The signed-in user as pages see it (model attribute {@code currentUser}): templates show only the buttons the role
 * allows ({@code currentUser.operator}, {@code currentUser.editor}, {@code currentUser.admin}), and controllers call
 * {@link #require(Role)} before acting, whatever the page showed.
 */
public record UiUser(String name, Role role) {

    static final UiUser ANONYMOUS = new UiUser("", null);

    public static UiUser of(Authentication authentication) {
        if (authentication == null || !authentication.isAuthenticated()) {
            return ANONYMOUS;
        }
        Set<String> authorities = authentication.getAuthorities().stream().map(GrantedAuthority::getAuthority)
                .collect(Collectors.toSet());
        Role role = Arrays.stream(Role.values()).filter(r -> authorities.contains(r.authority()))
                .max(Comparator.naturalOrder()).orElse(null);
        return role == null ? ANONYMOUS : new UiUser(authentication.getName(), role);
    }

    public boolean signedIn() {
        return role != null;
    }

    public boolean has(Role needed) {
        return role != null && role.compareTo(needed) >= 0;
    }

    public boolean isOperator() {
        return has(Role.OPERATOR);
    }

    public boolean isEditor() {
        return has(Role.EDITOR);
    }

    public boolean isAdmin() {
        return has(Role.ADMIN);
    }

    /** Throws {@link AccessDeniedException} (rendered as a 403 page) unless the user has at least {@code needed}. */
    public void require(Role needed) {
        if (!has(needed)) {
            throw new AccessDeniedException("this needs the role " + needed.id());
        }
    }
}
