package io.polysync.task.profile;

import java.time.Instant;

/**
 * A saved contention profile's limits changed. Published synchronously inside the saving transaction, so the tasks
 * linked to it are republished with the new limits in their snapshots in the same commit, or not at all.
 */
public record ContentionProfileChanged(String name, Instant at) {
}
