package io.polysync.dispatcher.messaging;

import io.polysync.dispatcher.ledger.RunLedger;
import io.polysync.model.Json;
import io.polysync.model.Topics;
import io.polysync.model.event.TriggerRequested;
import org.springframework.kafka.annotation.KafkaListener;
import org.springframework.stereotype.Component;

/** Triggers become queued runs; the consumer group is {@code spring.kafka.consumer.group-id}. */
@Component
public class TriggerListener {

    private final RunLedger ledger;

    public TriggerListener(RunLedger ledger) {
        this.ledger = ledger;
    }

    @KafkaListener(topics = Topics.TRIGGERS)
    public void on(String value) {
        ledger.queue(Json.decode(value, TriggerRequested.class));
    }
}
