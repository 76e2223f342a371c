package io.polysync.task.run;

import io.polysync.model.run.RunState;

import java.util.UUID;

/** The answer of Run Once and of Cancel: the run's id, readable at once, and its current state. */
public record RunAccepted(UUID runId, RunState state) {
}
