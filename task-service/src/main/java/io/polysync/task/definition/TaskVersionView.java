package io.polysync.task.definition;

import io.polysync.model.Json;
import io.polysync.model.task.TaskSnapshot;

import java.time.Instant;

/** One saved version of a task: the snapshot published to {@code polysync.task-definitions}. */
public record TaskVersionView(long version, Instant savedAt, TaskSnapshot task) {

    static TaskVersionView of(TaskVersion v) {
        return new TaskVersionView(v.version(), v.createdAt(), Json.decode(v.snapshot(), TaskSnapshot.class));
    }
}
