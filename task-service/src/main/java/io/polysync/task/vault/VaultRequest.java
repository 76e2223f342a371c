package io.polysync.task.vault;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;

import java.util.Map;

/** The body of {@code POST /api/v1/vaults} and {@code PUT /api/v1/vaults/{name}}; read-only fields are ignored. */
@JsonIgnoreProperties({"id", "createdAt", "updatedAt"})
public record VaultRequest(String name, String kind, Map<String, Object> config) {
}
