package io.polysync.model.task;

import java.util.Map;
import java.util.UUID;

/** A Platform as a run sees it. Secret-bearing config values are vault references, never values. */
public record PlatformSnapshot(UUID platformId, String name, String type, Map<String, Object> config) {

    public PlatformSnapshot {
        config = config == null ? Map.of() : config;
    }
}
