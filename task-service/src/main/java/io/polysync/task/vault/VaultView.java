package io.polysync.task.vault;

import java.time.Instant;
import java.util.Map;
import java.util.UUID;

/** A vault as the API shows it: where its secrets live, never a value. */
public record VaultView(UUID id, String name, String kind, Map<String, Object> config, Instant createdAt,
                        Instant updatedAt) {

    static VaultView of(Vault v) {
        return new VaultView(v.id(), v.name(), v.kind().wire(), v.config(), v.createdAt(), v.updatedAt());
    }
}
