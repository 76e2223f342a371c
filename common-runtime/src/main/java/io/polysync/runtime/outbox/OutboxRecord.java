package io.polysync.runtime.outbox;

/** One record to publish: a topic, its key, and the event (null for a tombstone). */
public record OutboxRecord(String topic, String key, Object event) {
}
