package io.polysync.task.platform;

import java.time.Instant;
import java.util.UUID;

/**
 * A saved platform changed. Published synchronously inside the saving transaction, so the tasks that embed it are
 * republished (DESIGN.md section 10 rule 11) in the same commit, or the change is rolled back with them.
 */
public record PlatformChanged(UUID platformId, Instant at) {
}
