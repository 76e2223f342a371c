package io.polysync.dispatcher.messaging;

import io.polysync.dispatcher.admission.AdmissionController;
import io.polysync.dispatcher.definition.TaskDefinitions;
import io.polysync.model.Json;
import io.polysync.model.ConsumerGroups;
import io.polysync.model.Topics;
import io.polysync.model.event.TaskDefinitionChanged;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.springframework.kafka.annotation.KafkaListener;
import org.springframework.stereotype.Component;

import java.util.UUID;

/**
 * Keeps the dispatcher's copy of the task definitions. A container and consumer group of its own, so definitions keep
 * flowing while a trigger waits (in retries) for the very definition this listener is about to store. One group for
 * all replicas is enough: the copy lives in the shared database, not in any replica's memory.
 */
@Component
public class DefinitionListener {

    public static final String GROUP_ID = ConsumerGroups.DISPATCHER_DEFINITIONS;

    private final TaskDefinitions definitions;
    private final AdmissionController admission;

    public DefinitionListener(TaskDefinitions definitions, AdmissionController admission) {
        this.definitions = definitions;
        this.admission = admission;
    }

    @KafkaListener(topics = Topics.TASK_DEFINITIONS, groupId = GROUP_ID)
    public void on(ConsumerRecord<String, String> record) {
        if (record.value() == null) {
            if (record.key() == null) {
                throw new IllegalArgumentException("tombstone without a task id key at offset " + record.offset());
            }
            definitions.deleted(UUID.fromString(record.key()));
        } else {
            TaskDefinitionChanged changed = Json.decode(record.value(), TaskDefinitionChanged.class);
            definitions.changed(changed);
            if (changed.task() != null) {
                admission.profilesSeen(changed.task().profiles());
            }
        }
    }
}
