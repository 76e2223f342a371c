package io.polysync.task.security;

import io.polysync.task.api.ConflictException;
import io.polysync.task.token.ApiTokenStore;
import io.polysync.task.user.UserStore;
import org.springframework.stereotype.Component;

/** Guards against locking everyone out: the last admin token or admin user cannot be deleted or demoted. */
@Component
public class AdminCredentials {

    private final ApiTokenStore tokens;
    private final UserStore users;

    public AdminCredentials(ApiTokenStore tokens, UserStore users) {
        this.tokens = tokens;
        this.users = users;
    }

    /** Throws 409 unless some admin credential other than the one described by {@code which} exists. */
    public void requireAnotherThan(String field, String which) {
        if (tokens.countWithRole(Role.ADMIN) + users.countWithRole(Role.ADMIN) <= 1) {
            throw new ConflictException(field, which + " is the last admin credential; create another admin token "
                    + "or user first");
        }
    }
}
