package io.polysync.scheduler.messaging;

import io.polysync.model.Json;
import io.polysync.model.Topics;
import io.polysync.model.event.RunEvent;
import io.polysync.model.event.RunStateChanged;
import io.polysync.model.event.TaskDefinitionChanged;
import io.polysync.scheduler.tasks.TaskCatalog;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.springframework.kafka.annotation.KafkaListener;
import org.springframework.stereotype.Component;

import java.util.UUID;

/** Thin adapters from the definition and run streams to the scheduler's domain. */
@Component
class SchedulerListeners {

    private final TaskCatalog catalog;

    SchedulerListeners(TaskCatalog catalog) {
        this.catalog = catalog;
    }

    @KafkaListener(topics = Topics.TASK_DEFINITIONS, groupId = "polysync-scheduler-definitions")
    void onDefinition(ConsumerRecord<String, String> record) {
        if (record.value() == null) {
            catalog.taskDeleted(UUID.fromString(record.key()));
        } else {
            catalog.on(Json.decode(record.value(), TaskDefinitionChanged.class));
        }
    }

    @KafkaListener(topics = Topics.RUN_EVENTS, groupId = "polysync-scheduler")
    void onRunEvent(String value) {
        if (Json.decode(value, RunEvent.class) instanceof RunStateChanged changed) {
            catalog.on(changed);
        }
    }
}
