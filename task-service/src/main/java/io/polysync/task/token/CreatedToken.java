package io.polysync.task.token;

import java.time.Instant;

/** The answer to creating a token: the only time its value is ever shown. */
public record CreatedToken(String name, String role, Instant createdAt, String token) {

    /** Never shows the value. */
    @Override
    public String toString() {
        return "CreatedToken[" + name + ", " + role + "]";
    }
}
