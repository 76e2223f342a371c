package io.polysync.scheduler.tasks;

import io.polysync.model.event.TaskDefinitionChanged;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

/**
 * What a poll of polysync.task-definitions does to one task.
 *
 * @param deleted    a tombstone came: the task is forgotten before {@code definition} (if any) is applied
 * @param definition the newest definition that came after the last tombstone, or null
 * @param partition  the partition of polysync.task-definitions that carries the task
 */
public record DefinitionChange(UUID taskId, boolean deleted, TaskDefinitionChanged definition, int partition) {

    public static DefinitionChange tombstone(UUID taskId, int partition) {
        return new DefinitionChange(taskId, true, null, partition);
    }

    /**
     * @throws IllegalArgumentException when the event lacks what the scheduler needs: it is refused as it is decoded,
     *                                  before its poll's transaction, and dead-lettered at once rather than retried
     */
    public static DefinitionChange of(TaskDefinitionChanged definition, int partition) {
        if (definition.taskId() == null || definition.taskName() == null || definition.task() == null) {
            throw new IllegalArgumentException("TaskDefinitionChanged without taskId, taskName or task: " + definition);
        }
        return new DefinitionChange(definition.taskId(), false, definition, partition);
    }

    /**
     * Folds the records of a poll, in offset order, into one change per task, with the effect of applying them one
     * by one: a tombstone forgets everything before it; of the definitions after it the newest version wins, so a
     * replayed older definition later in the poll changes nothing (the catalog never moves back).
     */
    public static List<DefinitionChange> collapse(List<DefinitionChange> records) {
        Map<UUID, DefinitionChange> byTask = new LinkedHashMap<>();
        for (DefinitionChange record : records) {
            DefinitionChange held = byTask.get(record.taskId());
            if (held == null) {
                byTask.put(record.taskId(), record);
            } else if (record.deleted()) {
                byTask.put(record.taskId(), tombstone(record.taskId(), record.partition()));
            } else if (held.definition() == null
                    || record.definition().definitionVersion() > held.definition().definitionVersion()) {
                byTask.put(record.taskId(),
                        new DefinitionChange(record.taskId(), held.deleted(), record.definition(), record.partition()));
            } else {
                byTask.put(record.taskId(),
                        new DefinitionChange(record.taskId(), held.deleted(), held.definition(), record.partition()));
            }
        }
        return new ArrayList<>(byTask.values());
    }
}
