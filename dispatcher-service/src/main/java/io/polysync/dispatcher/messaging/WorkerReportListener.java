package io.polysync.dispatcher.messaging;

import io.polysync.dispatcher.ledger.RunTransitions;
import io.polysync.model.Json;
import io.polysync.model.Topics;
import io.polysync.model.event.WorkerReport;
import org.springframework.kafka.annotation.KafkaListener;
import org.springframework.stereotype.Component;

/** Worker reports become guarded run transitions; the consumer group is {@code spring.kafka.consumer.group-id}. */
@Component
public class WorkerReportListener {

    private final RunTransitions transitions;

    public WorkerReportListener(RunTransitions transitions) {
        this.transitions = transitions;
    }

    @KafkaListener(topics = Topics.WORKER_REPORTS)
    public void on(String value) {
        transitions.apply(Json.decode(value, WorkerReport.class));
    }
}
