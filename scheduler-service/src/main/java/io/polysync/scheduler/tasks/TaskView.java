package io.polysync.scheduler.tasks;

import java.util.UUID;

/**
 * The latest definition of one task, as the scheduler last saw it on polysync.task-definitions: a row of
 * {@code task_view}, written by {@link TaskCatalog#onDefinitions} with batched JDBC a poll at a time and read by
 * {@link TaskCatalog#views}.
 *
 * @param snapshot the definition's {@code TaskSnapshot} as JSON
 */
public record TaskView(UUID taskId, String taskName, long definitionVersion, String snapshot) {
}
