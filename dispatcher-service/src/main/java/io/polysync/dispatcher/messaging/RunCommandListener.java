package io.polysync.dispatcher.messaging;

import io.polysync.dispatcher.ledger.RunCancellation;
import io.polysync.model.Json;
import io.polysync.model.Topics;
import io.polysync.model.event.CancelRunRequested;
import org.springframework.kafka.annotation.KafkaListener;
import org.springframework.stereotype.Component;

/** Cancel requests from the task-service; the consumer group is {@code spring.kafka.consumer.group-id}. */
@Component
public class RunCommandListener {

    private final RunCancellation cancellation;

    public RunCommandListener(RunCancellation cancellation) {
        this.cancellation = cancellation;
    }

    @KafkaListener(topics = Topics.RUN_COMMANDS)
    public void on(String value) {
        cancellation.requested(Json.decode(value, CancelRunRequested.class));
    }
}
