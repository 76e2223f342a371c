package io.polysync.dispatcher.messaging;

import io.polysync.dispatcher.ledger.RunLedger;
import io.polysync.model.Json;
import io.polysync.model.Topics;
import io.polysync.model.event.TriggerRequested;
import io.polysync.runtime.kafka.PollTransaction;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.springframework.kafka.annotation.KafkaListener;
import org.springframework.stereotype.Component;
import org.springframework.transaction.PlatformTransactionManager;

import java.util.List;
import java.util.Optional;

/**
 * Triggers become queued runs, a poll at a time in one transaction ({@link PollTransaction}); the consumer group is
 * {@code spring.kafka.consumer.group-id}.
 */
@Component
public class TriggerListener {

    /** Records per poll, so per transaction on the hot path: enough to pay one commit for hundreds of runs. */
    static final String MAX_POLL_RECORDS = "max.poll.records=500";

    private final PollTransaction<TriggerRequested> polls;

    public TriggerListener(RunLedger ledger, PlatformTransactionManager transactions) {
        this.polls = new PollTransaction<>(transactions, record -> Json.decode(record.value(), TriggerRequested.class),
                triggers -> {
                    ledger.queueAll(triggers);
                    return Optional.empty();
                });
    }

    @KafkaListener(topics = Topics.TRIGGERS, batch = "true", properties = MAX_POLL_RECORDS)
    public void on(List<ConsumerRecord<String, String>> records) {
        polls.apply(records);
    }
}
