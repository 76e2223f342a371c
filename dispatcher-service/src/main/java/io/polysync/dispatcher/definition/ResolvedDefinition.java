package io.polysync.dispatcher.definition;

import io.polysync.model.task.TaskSnapshot;

import java.util.Optional;

/**
 * The definition a run executes.
 *
 * @param task    the snapshot, with its Job and Platform
 * @param version its definition version, the requested one unless that was not available
 * @param note    why another version than the requested one was taken, for the run's history
 */
public record ResolvedDefinition(TaskSnapshot task, long version, Optional<String> note) {
}
