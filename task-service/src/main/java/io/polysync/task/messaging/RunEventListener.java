package io.polysync.task.messaging;

import io.polysync.model.Json;
import io.polysync.model.Topics;
import io.polysync.model.event.RunEvent;
import io.polysync.task.run.RunReadModel;
import org.springframework.kafka.annotation.KafkaListener;
import org.springframework.messaging.handler.annotation.Payload;
import org.springframework.stereotype.Component;

/**
 * Feeds {@code polysync.run-events} into the run read model, in the group {@code spring.kafka.consumer.group-id}.
 * Undecodable records go to the dead-letter topic.
 */
@Component
public class RunEventListener {

    /** The listener container's id, for tests that wait for its partitions. */
    public static final String ID = "task-service-run-events";

    private final RunReadModel readModel;

    public RunEventListener(RunReadModel readModel) {
        this.readModel = readModel;
    }

    @KafkaListener(id = ID, idIsGroup = false, topics = Topics.RUN_EVENTS)
    void on(@Payload(required = false) String value) {
        if (value != null) {
            readModel.on(Json.decode(value, RunEvent.class));
        }
    }
}
