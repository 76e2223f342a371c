package io.polysync.task.token;

import io.polysync.task.security.Role;

import java.time.Instant;
import java.util.UUID;

/** A stored API token: everything but the token itself, which is never kept. */
public record ApiToken(UUID id, String name, Role role, String tokenHash, Instant createdAt, Instant lastUsedAt) {
}
