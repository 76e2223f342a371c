package io.polysync.scheduler.messaging;

import io.polysync.model.Json;
import io.polysync.model.Topics;
import io.polysync.model.event.RunStateChanged;
import io.polysync.model.run.FailureReason;
import io.polysync.model.run.RunError;
import io.polysync.model.run.RunState;
import io.polysync.model.run.TriggerType;
import io.polysync.scheduler.dependency.DependencyTriggers;
import io.polysync.scheduler.retry.RetryScheduler;
import io.polysync.scheduler.schedule.ScheduleTimer;
import io.polysync.scheduler.tasks.DefinitionChange;
import io.polysync.scheduler.tasks.TaskCatalog;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.Test;
import org.springframework.kafka.listener.BatchListenerFailedException;
import org.springframework.transaction.PlatformTransactionManager;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.mockito.Mockito.mock;
import static org.mockito.Mockito.verifyNoInteractions;

/**
 * Run events of the wrong shape are refused (and so dead-lettered), not silently taken for a non-terminal event; a
 * poll of events the scheduler has nothing to do with costs no transaction.
 */
class SchedulerListenersTest {

    private final TaskCatalog catalog = mock(TaskCatalog.class);
    private final DependencyTriggers dependencies = mock(DependencyTriggers.class);
    private final RetryScheduler retries = mock(RetryScheduler.class);
    private final PlatformTransactionManager transactions = mock(PlatformTransactionManager.class);
    private final SchedulerListeners listeners = new SchedulerListeners(catalog, dependencies, retries,
            mock(ScheduleTimer.class), transactions);

    @Test
    void aRunStateChangedWithoutItsFieldsIsRefused() {
        String wrong = "{\"type\":\"RunStateChanged\",\"unexpected\":\"shape\"}";
        assertThatThrownBy(() -> SchedulerListeners.concerning(wrong))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> listeners.onRunEvents(List.of(record(0, wrong))))
                .isInstanceOf(BatchListenerFailedException.class)
                .hasCauseInstanceOf(IllegalArgumentException.class);
        verifyNoInteractions(catalog, dependencies, retries, transactions);
    }

    @Test
    void onlySuccessesAndRetryableFailuresConcernTheScheduler() {
        assertThat(SchedulerListeners.concerning(Json.encode(changed(RunState.SUCCEEDED, null)))).isNotNull();
        assertThat(SchedulerListeners.concerning(Json.encode(changed(RunState.FAILED,
                RunError.retryable(FailureReason.EXECUTION_FAILED, "exit 1"))))).isNotNull();
        assertThat(SchedulerListeners.concerning(Json.encode(changed(RunState.FAILED,
                RunError.nonRetryable("bad query"))))).isNull();
        assertThat(SchedulerListeners.concerning(Json.encode(changed(RunState.QUEUED, null)))).isNull();
        assertThat(SchedulerListeners.concerning(Json.encode(changed(RunState.RUNNING, null)))).isNull();
        assertThat(SchedulerListeners.concerning(Json.encode(changed(RunState.CANCELLED, null)))).isNull();
    }

    @Test
    void whatAnEventCarriesInsideItsFieldsDoesNotMakeItConcernTheScheduler() {
        Instant now = Instant.now();
        // a queued run whose parameters look like a retryable success at their own level
        RunStateChanged queued = new RunStateChanged(UUID.randomUUID(), UUID.randomUUID(), "t", TriggerType.MANUAL, 1,
                null, null, RunState.QUEUED, "queued", null, Map.of("state", "SUCCEEDED"), null, 1, "api", null, now,
                null, null, now, Map.of("state", "SUCCEEDED", "error", Map.of("retryable", true)));

        assertThat(SchedulerListeners.concerning(Json.encode(queued))).isNull();
        assertThat(RunEventShape.mayConcernScheduler(Json.encode(queued))).isFalse();
    }

    @Test
    void whatTheShapeCannotTellIsLeftToTheFullDecodeWhichRefusesIt() {
        assertThat(RunEventShape.mayConcernScheduler("{\"type\":\"RunExploded\",\"state\":\"QUEUED\"}")).isTrue();
        assertThat(RunEventShape.mayConcernScheduler("{\"state\":\"QUEUED\"}")).isTrue();
        assertThat(RunEventShape.mayConcernScheduler("{\"type\":\"RunStateChanged\",\"state\":")).isTrue();
        assertThat(RunEventShape.mayConcernScheduler("[1, 2]")).isTrue();

        assertThatThrownBy(() -> SchedulerListeners.concerning("{\"type\":\"RunExploded\",\"state\":\"QUEUED\"}"))
                .isInstanceOf(RuntimeException.class);
        assertThatThrownBy(() -> SchedulerListeners.concerning("{\"type\":\"RunStateChanged\",\"state\":"))
                .isInstanceOf(RuntimeException.class);
    }

    @Test
    void aPollOfEventsThatConcernNobodyHereOpensNoTransaction() {
        List<ConsumerRecord<String, String>> poll = new ArrayList<>();
        for (RunState state : List.of(RunState.QUEUED, RunState.RUNNING, RunState.CANCELLED)) {
            poll.add(record(poll.size(), Json.encode(changed(state, null))));
        }

        listeners.onRunEvents(poll);

        verifyNoInteractions(catalog, dependencies, retries, transactions);
    }

    @Test
    void aTombstoneIsADeletionAndAnUndecodableDefinitionIsRefusedBeforeAnyTransaction() {
        UUID taskId = UUID.randomUUID();
        ConsumerRecord<String, String> tombstone = new ConsumerRecord<>(Topics.TASK_DEFINITIONS, 3, 0,
                taskId.toString(), null);
        assertThat(SchedulerListeners.definition(tombstone)).isEqualTo(DefinitionChange.tombstone(taskId, 3));

        ConsumerRecord<String, String> poison = new ConsumerRecord<>(Topics.TASK_DEFINITIONS, 3, 1,
                taskId.toString(), "{not json");
        assertThatThrownBy(() -> listeners.onDefinitions(List.of(poison)))
                .isInstanceOf(BatchListenerFailedException.class);
        // JSON of the wrong shape decodes to an event of nulls: refused as undecodable, not retried as a failure
        ConsumerRecord<String, String> wrongShape = new ConsumerRecord<>(Topics.TASK_DEFINITIONS, 3, 2,
                taskId.toString(), "{\"unexpected\":\"shape\"}");
        assertThatThrownBy(() -> listeners.onDefinitions(List.of(wrongShape)))
                .isInstanceOf(BatchListenerFailedException.class)
                .hasCauseInstanceOf(IllegalArgumentException.class);
        verifyNoInteractions(catalog, dependencies, transactions);
    }

    private static ConsumerRecord<String, String> record(long offset, String value) {
        return new ConsumerRecord<>(Topics.RUN_EVENTS, 0, offset, "key", value);
    }

    private static RunStateChanged changed(RunState state, RunError error) {
        Instant now = Instant.now();
        return new RunStateChanged(UUID.randomUUID(), UUID.randomUUID(), "t", TriggerType.SCHEDULE, 1, null, null,
                state, "because", error, null, "w", 1, "scheduler", null, now, now, now, now);
    }
}
