package io.polysync.task.ui.run;

import io.polysync.model.run.RunState;
import io.polysync.model.run.TriggerType;

import java.time.Instant;
import java.util.UUID;

/**
 * What a page needs to show that a run changed: its row in a list and whether its own page is stale.
 * {@code rowVersion} grows with every write of the run, so two looks that read the same version saw one change.
 */
public record RunChange(
        UUID runId,
        UUID taskId,
        String task,
        RunState state,
        TriggerType triggerType,
        int attempt,
        Instant queuedAt,
        Instant startedAt,
        Instant finishedAt,
        Instant updatedAt,
        long rowVersion) {
}
