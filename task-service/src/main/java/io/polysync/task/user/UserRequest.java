package io.polysync.task.user;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;

/**
 * The body of {@code POST /api/v1/users} (all fields) and {@code PUT /api/v1/users/{username}} (role and/or password;
 * a username there must match the path).
 */
@JsonIgnoreProperties({"createdAt", "updatedAt"})
public record UserRequest(String username, String password, String role) {

    /** Never shows the password, should a request ever be printed. */
    @Override
    public String toString() {
        return "UserRequest[" + username + ", " + role + "]";
    }
}
