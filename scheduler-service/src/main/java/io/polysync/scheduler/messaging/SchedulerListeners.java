package io.polysync.scheduler.messaging;

import io.polysync.runtime.kafka.PollTransaction;
import io.polysync.model.Json;
import io.polysync.model.ConsumerGroups;
import io.polysync.model.Topics;
import io.polysync.model.event.RunEvent;
import io.polysync.model.event.RunStateChanged;
import io.polysync.model.event.TaskDefinitionChanged;
import io.polysync.model.run.RunState;
import io.polysync.model.task.TaskSnapshot;
import io.polysync.scheduler.dependency.DependencyTriggers;
import io.polysync.scheduler.retry.RetryScheduler;
import io.polysync.scheduler.schedule.ScheduleTimer;
import io.polysync.scheduler.tasks.DefinitionChange;
import io.polysync.scheduler.tasks.TaskCatalog;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.TopicPartition;
import org.springframework.kafka.annotation.KafkaListener;
import org.springframework.kafka.listener.ConsumerSeekAware;
import org.springframework.stereotype.Component;
import org.springframework.transaction.PlatformTransactionManager;

import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;

/**
 * Thin adapters from the definition and run streams to the scheduler's domain. The definitions group is shared by the
 * replicas: the partitions of polysync.task-definitions assigned here decide whose schedules this replica fires.
 */
@Component
class SchedulerListeners implements ConsumerSeekAware {

    private final TaskCatalog catalog;
    private final DependencyTriggers dependencies;
    private final RetryScheduler retries;
    private final ScheduleTimer schedules;

    private final PollTransaction<RunStateChanged> runEvents;
    private final PollTransaction<DefinitionChange> definitions;

    SchedulerListeners(TaskCatalog catalog, DependencyTriggers dependencies, RetryScheduler retries,
                       ScheduleTimer schedules, PlatformTransactionManager transactions) {
        this.catalog = catalog;
        this.dependencies = dependencies;
        this.retries = retries;
        this.schedules = schedules;
        this.runEvents = new PollTransaction<>(transactions, record -> concerning(record.value()), this::apply);
        this.definitions = new PollTransaction<>(transactions, SchedulerListeners::definition,
                this::applyDefinitions);
    }

    /**
     * A poll of definitions in one transaction ({@link PollTransaction}): folded to one change per task
     * ({@link DefinitionChange#collapse}) and applied by the catalog, the dependency index and the schedules with a
     * few multi-row statements each; the schedules' timers change once it commits.
     */
    @KafkaListener(topics = Topics.TASK_DEFINITIONS, groupId = ConsumerGroups.SCHEDULER_DEFINITIONS, batch = "true",
            properties = "max.poll.records=500")
    void onDefinitions(List<ConsumerRecord<String, String>> records) {
        definitions.apply(records);
    }

    static DefinitionChange definition(ConsumerRecord<String, String> record) {
        if (record.value() == null) {
            if (record.key() == null) {
                throw new IllegalArgumentException("tombstone without a task id key at offset " + record.offset());
            }
            return DefinitionChange.tombstone(UUID.fromString(record.key()), record.partition());
        }
        return DefinitionChange.of(Json.decode(record.value(), TaskDefinitionChanged.class), record.partition());
    }

    private Optional<PollTransaction.Refusal> applyDefinitions(List<DefinitionChange> records) {
        List<DefinitionChange> changes = DefinitionChange.collapse(records);
        Map<UUID, TaskSnapshot> inForce = catalog.onDefinitions(changes);
        dependencies.onDefinitions(changes);
        schedules.definitionsChanged(changes, inForce);
        return Optional.empty();
    }

    /**
     * A poll of run events in at most one transaction ({@link PollTransaction}). Only successes (latest outputs,
     * fan-in) and retryable failures (retries) concern the scheduler: a poll without them opens no transaction and
     * reads nothing.
     */
    @KafkaListener(topics = Topics.RUN_EVENTS, groupId = ConsumerGroups.SCHEDULER, batch = "true",
            properties = "max.poll.records=500")
    void onRunEvents(List<ConsumerRecord<String, String>> records) {
        runEvents.apply(records);
    }

    /** The event if it concerns the scheduler, else null. */
    static RunStateChanged concerning(String value) {
        if (!RunEventShape.mayConcernScheduler(value)) {
            return null;
        }
        if (Json.decode(value, RunEvent.class) instanceof RunStateChanged changed) {
            if (changed.runId() == null || changed.taskId() == null || changed.state() == null) {
                // of the wrong shape: ignoring it would hide it; the error handler dead-letters it at once
                throw new IllegalArgumentException("RunStateChanged without runId, taskId or state: " + changed);
            }
            boolean retryable = changed.state() == RunState.FAILED && changed.error() != null
                    && changed.error().retryable();
            return changed.state() == RunState.SUCCEEDED || retryable ? changed : null;
        }
        return null;
    }

    private Optional<PollTransaction.Refusal> apply(List<RunStateChanged> changes) {
        catalog.onSuccesses(changes);
        dependencies.onSuccesses(changes);
        retries.onAll(changes);
        return Optional.empty();
    }

    @Override
    public void onPartitionsAssigned(Map<TopicPartition, Long> assignments, ConsumerSeekCallback callback) {
        schedules.partitionsAssigned(definitionPartitions(assignments.keySet()));
    }

    @Override
    public void onPartitionsRevoked(Collection<TopicPartition> partitions) {
        schedules.partitionsRevoked(definitionPartitions(partitions));
    }

    /** This bean also listens to run-events; only the definitions' partitions carry schedule ownership. */
    private static List<Integer> definitionPartitions(Collection<TopicPartition> partitions) {
        return partitions.stream().filter(p -> p.topic().equals(Topics.TASK_DEFINITIONS))
                .map(TopicPartition::partition).toList();
    }
}
