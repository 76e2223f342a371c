package io.polysync.task.platform;

import java.time.Instant;
import java.util.Map;
import java.util.UUID;

/** A platform as the API shows it. */
public record PlatformView(UUID id, String name, String type, Map<String, Object> config, Instant createdAt,
                           Instant updatedAt) {

    static PlatformView of(Platform p) {
        return new PlatformView(p.id(), p.name(), p.type(), p.config(), p.createdAt(), p.updatedAt());
    }
}
