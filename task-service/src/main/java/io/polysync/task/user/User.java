package io.polysync.task.user;

import io.polysync.task.security.Role;

import java.time.Instant;
import java.util.UUID;

/** A stored user; {@code passwordHash} is a slow salted hash in Spring Security's {@code {id}hash} form. */
public record User(UUID id, String username, String passwordHash, Role role, Instant createdAt, Instant updatedAt) {

    /** Never shows the hash. */
    @Override
    public String toString() {
        return "User[" + username + ", " + role.id() + "]";
    }
}
