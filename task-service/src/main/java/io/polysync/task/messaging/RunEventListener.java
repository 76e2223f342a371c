package io.polysync.task.messaging;

import io.polysync.runtime.kafka.PollTransaction;
import io.polysync.model.Json;
import io.polysync.model.Topics;
import io.polysync.model.event.RunEvent;
import io.polysync.task.run.RunReadModel;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.springframework.kafka.annotation.KafkaListener;
import org.springframework.stereotype.Component;
import org.springframework.transaction.PlatformTransactionManager;

import java.util.List;
import java.util.Optional;

/**
 * Feeds {@code polysync.run-events} into the run read model, in the group {@code spring.kafka.consumer.group-id}: a
 * poll at a time, in one transaction ({@link PollTransaction}). Undecodable records go to the dead-letter topic.
 */
@Component
public class RunEventListener {

    /** The listener container's id, for tests that wait for its partitions. */
    public static final String ID = "task-service-run-events";

    private final PollTransaction<RunEvent> polls;

    public RunEventListener(RunReadModel readModel, PlatformTransactionManager transactions) {
        this.polls = new PollTransaction<>(transactions, record -> decode(record.value()),
                events -> {
                    readModel.apply(events);
                    return Optional.empty();
                });
    }

    /** The event, or null for a record without a value (nothing to apply). */
    static RunEvent decode(String value) {
        if (value == null) {
            return null;
        }
        RunEvent event = Json.decode(value, RunEvent.class);
        if (event.runId() == null) {
            // of the wrong shape: the error handler dead-letters it at once rather than retrying what never works
            throw new IllegalArgumentException(event.getClass().getSimpleName() + " without a runId: " + event);
        }
        return event;
    }

    /**
     * The broker holds this consumer's fetch until 64 KiB of run events have arrived or 500 ms have passed. The read
     * model is in no run's path (the dispatcher admits, the scheduler hands off), so it may trail by half a second:
     * at low rates each event would otherwise be a fetch and a transaction of its own, and a run has three (at 50
     * runs/s, 150 wake-ups of this consumer and the broker a second; with the wait, alternating runs went from 9.1–9.3
     * to 7.2–7.3 PostgreSQL transactions a run). The default fetch wait is 500 ms as well, so an idle consumer fetches
     * no more often than before; under load the 64 KiB fill sooner and the wait ends with them.
     */
    @KafkaListener(id = ID, idIsGroup = false, topics = Topics.RUN_EVENTS, batch = "true",
            properties = {"max.poll.records=500", "fetch.min.bytes=65536", "fetch.max.wait.ms=500"})
    void on(List<ConsumerRecord<String, String>> records) {
        polls.apply(records);
    }
}
