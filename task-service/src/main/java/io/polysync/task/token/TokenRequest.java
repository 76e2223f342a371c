package io.polysync.task.token;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;

/** The body of {@code POST /api/v1/tokens}. */
@JsonIgnoreProperties({"createdAt", "lastUsedAt"})
public record TokenRequest(String name, String role) {
}
