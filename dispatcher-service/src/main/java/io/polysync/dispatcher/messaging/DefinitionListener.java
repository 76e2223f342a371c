package io.polysync.dispatcher.messaging;

import io.polysync.dispatcher.admission.AdmissionController;
import io.polysync.dispatcher.definition.DefinitionChange;
import io.polysync.dispatcher.definition.TaskDefinitions;
import io.polysync.model.ConsumerGroups;
import io.polysync.model.Json;
import io.polysync.model.Topics;
import io.polysync.model.event.TaskDefinitionChanged;
import io.polysync.model.task.ContentionProfileSnapshot;
import io.polysync.runtime.kafka.PollTransaction;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.springframework.kafka.annotation.KafkaListener;
import org.springframework.stereotype.Component;
import org.springframework.transaction.PlatformTransactionManager;

import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.UUID;

/**
 * Keeps the dispatcher's copy of the task definitions, a poll at a time in one transaction ({@link PollTransaction}):
 * creating 100,000 tasks must not leave the dispatcher minutes behind. A container and consumer group of its own, so
 * definitions keep flowing while a trigger waits (in retries) for the very definition this listener is about to store.
 * One group for all replicas is enough: the copy lives in the shared database, not in any replica's memory.
 */
@Component
public class DefinitionListener {

    public static final String GROUP_ID = ConsumerGroups.DISPATCHER_DEFINITIONS;

    private final PollTransaction<DefinitionChange> polls;

    public DefinitionListener(TaskDefinitions definitions, AdmissionController admission,
                              PlatformTransactionManager transactions) {
        this.polls = new PollTransaction<>(transactions, DefinitionListener::decode, changes -> {
            definitions.applyAll(changes);
            admission.profilesSeen(profilesByName(changes));
            return Optional.empty();
        });
    }

    @KafkaListener(topics = Topics.TASK_DEFINITIONS, groupId = GROUP_ID, batch = "true",
            properties = TriggerListener.MAX_POLL_RECORDS)
    public void on(List<ConsumerRecord<String, String>> records) {
        polls.apply(records);
    }

    /** A record that can never be stored fails here, before its poll's transaction, and is dead-lettered. */
    static DefinitionChange decode(ConsumerRecord<String, String> record) {
        if (record.value() == null) {
            if (record.key() == null) {
                throw new IllegalArgumentException("tombstone without a task id key at offset " + record.offset());
            }
            return DefinitionChange.deletion(UUID.fromString(record.key()));
        }
        return DefinitionChange.of(Json.decode(record.value(), TaskDefinitionChanged.class));
    }

    /**
     * The profiles the poll's definitions name, in name order: replicas storing polls of other partitions at once
     * update shared profile rows in one order, so they cannot deadlock on them. Each profile's row keeps its highest
     * version whatever the order.
     */
    private static List<ContentionProfileSnapshot> profilesByName(List<DefinitionChange> changes) {
        return changes.stream()
                .filter(change -> !change.deleted())
                .flatMap(change -> change.changed().task().profiles().stream())
                .filter(profile -> profile != null && profile.name() != null)
                .sorted(Comparator.comparing(ContentionProfileSnapshot::name)
                        .thenComparing(ContentionProfileSnapshot::version))
                .toList();
    }
}
