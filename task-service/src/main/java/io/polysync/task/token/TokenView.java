package io.polysync.task.token;

import java.time.Instant;

/** A token as the API lists it: never its value or hash. */
public record TokenView(String name, String role, Instant createdAt, Instant lastUsedAt) {

    static TokenView of(ApiToken token) {
        return new TokenView(token.name(), token.role().id(), token.createdAt(), token.lastUsedAt());
    }
}
