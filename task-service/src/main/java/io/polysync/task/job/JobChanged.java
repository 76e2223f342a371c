package io.polysync.task.job;

import java.time.Instant;
import java.util.UUID;

/**
 * A saved job changed. Published synchronously inside the saving transaction: the tasks using it are checked against
 * the new job and republished (DESIGN.md section 10 rule 11) in the same commit, or the change is refused.
 */
public record JobChanged(UUID jobId, Instant at) {
}
