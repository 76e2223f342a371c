package io.polysync.dispatcher.definition;

import io.polysync.model.event.TaskDefinitionChanged;

import java.util.UUID;

/**
 * One record of {@code polysync.task-definitions}: a version of a task's definition, or (a tombstone) the task's
 * deletion.
 *
 * @param changed null for a deletion
 */
public record DefinitionChange(UUID taskId, TaskDefinitionChanged changed) {

    public static DefinitionChange deletion(UUID taskId) {
        return new DefinitionChange(taskId, null);
    }

    /** @throws IllegalArgumentException when the event lacks what storing it needs */
    public static DefinitionChange of(TaskDefinitionChanged changed) {
        if (changed.taskId() == null || changed.task() == null || changed.taskName() == null) {
            throw new IllegalArgumentException("TaskDefinitionChanged without taskId, taskName or task: " + changed);
        }
        return new DefinitionChange(changed.taskId(), changed);
    }

    public boolean deleted() {
        return changed == null;
    }
}
