package io.polysync.dispatcher.admission;

import java.util.UUID;

/** A run finished and gave back its slot and permits; once that commits, waiting runs are re-checked. */
public record PermitsReleased(UUID runId) {
}
