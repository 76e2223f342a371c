package io.polysync.dispatcher.messaging;

import io.polysync.dispatcher.ledger.RunLedger;
import io.polysync.model.Topics;
import io.polysync.model.event.TriggerRequested;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.springframework.kafka.annotation.KafkaListener;
import org.springframework.stereotype.Component;

import java.util.List;

/**
 * Triggers become queued runs, a poll at a time ({@link PollBatch}); the consumer group is
 * {@code spring.kafka.consumer.group-id}.
 */
@Component
public class TriggerListener {

    /** Records per poll, so per transaction on the hot path: enough to pay one commit for hundreds of runs. */
    static final String MAX_POLL_RECORDS = "max.poll.records=500";

    private final RunLedger ledger;

    public TriggerListener(RunLedger ledger) {
        this.ledger = ledger;
    }

    @KafkaListener(topics = Topics.TRIGGERS, batch = "true", properties = MAX_POLL_RECORDS)
    public void on(List<ConsumerRecord<String, String>> records) {
        PollBatch.apply(records, TriggerRequested.class, ledger::queueAll, ledger::queue);
    }
}
