package io.polysync.task.messaging;

import io.polysync.model.ConsumerGroups;
import io.polysync.model.Topics;
import io.polysync.task.external.ExternalTriggers;
import org.springframework.kafka.annotation.KafkaListener;
import org.springframework.messaging.handler.annotation.Payload;
import org.springframework.stereotype.Component;

/**
 * Feeds {@code polysync.external-triggers} to {@link ExternalTriggers} in a consumer group of its own, so its
 * offsets never mix with the run-events consumer's. A rejected record goes to the dead-letter topic at once.
 */
@Component
public class ExternalTriggerListener {

    /** The listener container's id, for tests that wait for its partitions. */
    public static final String ID = "task-service-external-triggers";
    public static final String GROUP = ConsumerGroups.TASK_SERVICE_EXTERNAL;

    private final ExternalTriggers triggers;

    public ExternalTriggerListener(ExternalTriggers triggers) {
        this.triggers = triggers;
    }

    @KafkaListener(id = ID, idIsGroup = false, groupId = GROUP, topics = Topics.EXTERNAL_TRIGGERS)
    void on(@Payload(required = false) String value) {
        triggers.receive(value);
    }
}
