package io.polysync.model.task;

import java.util.List;
import java.util.UUID;

/** An upstream task that must succeed first, with the outputs it hands down. */
public record DependencySnapshot(UUID taskId, String task, List<OutputMapping> mappings) {

    public DependencySnapshot {
        mappings = mappings == null ? List.of() : mappings;
    }
}
