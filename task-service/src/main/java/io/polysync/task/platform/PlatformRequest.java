package io.polysync.task.platform;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;

import java.util.Map;

/** The body of {@code POST /api/v1/platforms}. Read-only fields of the answer may be sent back and are ignored. */
@JsonIgnoreProperties({"id", "createdAt", "updatedAt"})
public record PlatformRequest(String name, String type, Map<String, Object> config) {
}
