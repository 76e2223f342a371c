package io.polysync.task.user;

import java.time.Instant;

/** A user as the API shows it: never the password or its hash. */
public record UserView(String username, String role, Instant createdAt, Instant updatedAt) {

    static UserView of(User user) {
        return new UserView(user.username(), user.role().id(), user.createdAt(), user.updatedAt());
    }
}
