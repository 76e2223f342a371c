package io.polysync.model.event;

import java.util.Map;

/** What an upstream system publishes to {@code polysync.external-triggers} to start a task. */
public record ExternalTriggerRequested(String task, String idempotencyKey, Map<String, Object> parameters) {
}
