package io.polysync.model.event;

import io.polysync.model.task.TaskSnapshot;

import java.time.Instant;
import java.util.UUID;

/**
 * A task was saved. Published to the compacted {@code polysync.task-definitions} topic keyed by taskId; a deleted
 * task is a tombstone (a null value) under the same key.
 */
public record TaskDefinitionChanged(UUID taskId, String taskName, long definitionVersion, TaskSnapshot task,
                                    Instant occurredAt) {

    public static TaskDefinitionChanged of(TaskSnapshot task, Instant occurredAt) {
        return new TaskDefinitionChanged(task.taskId(), task.name(), task.definitionVersion(), task, occurredAt);
    }
}
