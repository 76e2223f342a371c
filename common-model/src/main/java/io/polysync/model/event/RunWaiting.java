package io.polysync.model.event;

import java.time.Instant;
import java.util.UUID;

/**
 * A queued run is not admitted yet, and why ("max concurrent runs 1 reached", "profile warehouse-a: 5 of 5 in use").
 * Published by the dispatcher when a run starts waiting and whenever its reason changes.
 */
public record RunWaiting(UUID runId, UUID taskId, String reason, Instant occurredAt) implements RunEvent {
}
