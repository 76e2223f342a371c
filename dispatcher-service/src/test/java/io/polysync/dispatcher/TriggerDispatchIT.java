package io.polysync.dispatcher;

import io.polysync.dispatcher.definition.TaskDefinition;
import io.polysync.dispatcher.definition.TaskDefinitionRepository;
import io.polysync.dispatcher.definition.TaskDeletionRepository;
import io.polysync.dispatcher.ledger.HistoryEntry;
import io.polysync.dispatcher.ledger.HistoryKind;
import io.polysync.dispatcher.ledger.TaskRun;
import io.polysync.dispatcher.support.DispatcherIntegrationTest;
import io.polysync.model.Json;
import io.polysync.model.Topics;
import io.polysync.model.event.RunDispatched;
import io.polysync.model.event.RunStateChanged;
import io.polysync.model.event.TriggerRequested;
import io.polysync.model.run.Band;
import io.polysync.model.run.RunState;
import io.polysync.model.run.TriggerType;
import io.polysync.model.task.TaskSnapshot;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;

import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.UUID;

import static io.polysync.dispatcher.support.Fixtures.aTask;
import static io.polysync.dispatcher.support.Fixtures.aTriggerOf;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.tuple;
import static org.awaitility.Awaitility.await;

class TriggerDispatchIT extends DispatcherIntegrationTest {

    @Autowired
    private TaskDefinitionRepository definitions;

    @Autowired
    private TaskDeletionRepository deletions;

    @Test
    void definitionAndTriggerMakeAQueuedRunDispatchedToItsBandWithParametersByPrecedence() {
        TaskSnapshot task = aTask().priority(50).timeoutSeconds(120L)
                .jobDefaults(Map.of("a", "job", "b", "job", "c", "job", "d", "job"))
                .parameters(Map.of("b", "task", "c", "task", "d", "task"))
                .build();
        TriggerRequested trigger = aTriggerOf(task, "first")
                .mappedInputs(Map.of("c", "parent", "d", "parent"))
                .overrides(Map.of("d", "override"))
                .build();
        Map<String, Object> effective = Map.of("a", "job", "b", "task", "c", "parent", "d", "override");

        publishDefinition(task);
        publishTrigger(trigger);

        TaskRun run = awaitRun(trigger.runId(), RunState.QUEUED);
        assertThat(run.triggerId()).isEqualTo(trigger.triggerId());
        assertThat(run.taskName()).isEqualTo(task.name());
        assertThat(run.triggerType()).isEqualTo(TriggerType.MANUAL);
        assertThat(run.attempt()).isEqualTo(1);
        assertThat(run.priority()).isEqualTo(50);
        assertThat(run.band()).isEqualTo(Band.NORMAL);
        assertThat(run.definitionVersion()).isEqualTo(task.definitionVersion());
        assertThat(run.parameters()).isEqualTo(effective);
        assertThat(run.requestedBy()).isEqualTo("alice");
        assertThat(run.queuedAt()).isNotNull();
        assertThat(run.admittedAt()).isNotNull();
        assertThat(historyOf(run.runId())).extracting(HistoryEntry::kind, HistoryEntry::state, HistoryEntry::reason)
                .containsExactly(
                        tuple(HistoryKind.TRANSITION, RunState.QUEUED,
                                "queued by MANUAL trigger from alice"),
                        tuple(HistoryKind.NOTE, null,
                                "dispatched to polysync.runs.normal"));

        RunStateChanged queued = stateChanges(run.runId(), 1).get(0);
        assertThat(queued.previousState()).isNull();
        assertThat(queued.state()).isEqualTo(RunState.QUEUED);
        assertThat(queued.taskId()).isEqualTo(task.taskId());
        assertThat(queued.taskName()).isEqualTo(task.name());
        assertThat(queued.triggerType()).isEqualTo(TriggerType.MANUAL);
        assertThat(queued.requestedBy()).isEqualTo("alice");
        assertThat(queued.definitionVersion()).isEqualTo(task.definitionVersion());
        assertThat(queued.queuedAt()).isEqualTo(run.queuedAt());

        ConsumerRecord<String, String> record = probe(Topics.RUNS_NORMAL).awaitOne(r -> r.key().equals(run.runId().toString()));
        RunDispatched dispatched = Json.decode(record.value(), RunDispatched.class);
        assertThat(dispatched.runId()).isEqualTo(run.runId());
        assertThat(dispatched.taskId()).isEqualTo(task.taskId());
        assertThat(dispatched.parameters()).isEqualTo(effective);
        assertThat(dispatched.jobType()).isEqualTo("noop");
        assertThat(dispatched.platform()).isEqualTo(task.job().platform());
        assertThat(dispatched.executionTimeoutSeconds()).isEqualTo(120L);
        assertThat(dispatched.priority()).isEqualTo(50);
        assertThat(dispatched.attempt()).isEqualTo(1);
        assertThat(dispatched.triggerType()).isEqualTo(TriggerType.MANUAL);
        assertThat(dispatched.definitionVersion()).isEqualTo(task.definitionVersion());
        assertThat(probe(Topics.RUN_EVENTS).seen(r -> true)).filteredOn(r -> r.value().contains(run.runId().toString()))
                .allSatisfy(r -> assertThat(r.key()).isEqualTo(task.taskId().toString()));
    }

    @Test
    void highPriorityRunGoesToTheHighBand() {
        TaskSnapshot task = aTask().priority(80).build();
        TriggerRequested trigger = aTriggerOf(task, "urgent").build();

        publishDefinition(task);
        publishTrigger(trigger);

        TaskRun run = awaitRun(trigger.runId(), RunState.QUEUED);
        assertThat(run.band()).isEqualTo(Band.HIGH);
        RunDispatched dispatched = Json.decode(
                probe(Topics.RUNS_HIGH).awaitOne(r -> r.key().equals(trigger.runId().toString())).value(), RunDispatched.class);
        assertThat(dispatched.priority()).isEqualTo(80);
        assertThat(probe(Topics.RUNS_NORMAL).seen(r -> r.key().equals(trigger.runId().toString()))).isEmpty();
    }

    @Test
    void theSameTriggerTwiceMakesOneRun() {
        TaskSnapshot task = aTask().build();
        TriggerRequested trigger = aTriggerOf(task, "twice").build();
        TriggerRequested later = aTriggerOf(task, "after-the-duplicate").build();

        publishDefinition(task);
        publishTrigger(trigger);
        publishTrigger(trigger);
        // Same key, same partition: once the later trigger's run is announced, the duplicate has been handled.
        publishTrigger(later);
        stateChanges(later.runId(), 1);

        assertThat(runs.findAll()).filteredOn(r -> r.taskId().equals(task.taskId()))
                .extracting(TaskRun::runId).containsExactlyInAnyOrder(trigger.runId(), later.runId());
        assertThat(stateChanges(trigger.runId(), 1)).hasSize(1);
        assertThat(historyOf(trigger.runId())).extracting(HistoryEntry::reason)
                .containsExactly("queued by MANUAL trigger from alice", "dispatched to polysync.runs.normal");
        probe(Topics.RUNS_NORMAL).awaitOne(r -> r.key().equals(later.runId().toString()));
        assertThat(probe(Topics.RUNS_NORMAL).seen(r -> r.key().equals(trigger.runId().toString()))).hasSize(1);
    }

    @Test
    void triggerThatArrivesBeforeItsDefinitionIsProcessedOnceTheDefinitionLands() {
        TaskSnapshot task = aTask().build();
        TriggerRequested trigger = aTriggerOf(task, "early").build();

        publishTrigger(trigger);
        await().during(Duration.ofSeconds(2)).atMost(Duration.ofSeconds(5))
                .until(() -> runs.findById(trigger.runId()).isEmpty());

        publishDefinition(task);

        awaitRun(trigger.runId(), RunState.QUEUED);
        probe(Topics.RUNS_NORMAL).awaitOne(r -> r.key().equals(trigger.runId().toString()));
        assertThat(stateChanges(trigger.runId(), 1)).hasSize(1);
        assertThat(probe(Topics.deadLetter(Topics.TRIGGERS)).seen(r -> r.value() != null && r.value().contains(trigger.runId().toString())))
                .isEmpty();
    }

    @Test
    void triggerForAVersionNoLongerAvailableRunsTheNewestAndSaysSo() {
        TaskSnapshot task = aTask().version(3).build();
        TriggerRequested trigger = aTriggerOf(task, "stale").definitionVersion(2).build();

        publishDefinition(task);
        publishTrigger(trigger);

        TaskRun run = awaitRun(trigger.runId(), RunState.QUEUED);
        assertThat(run.definitionVersion()).isEqualTo(3);
        assertThat(historyOf(run.runId())).extracting(HistoryEntry::reason)
                .contains("definition version 2 is not available; running version 3");
        assertThat(stateChanges(run.runId(), 1).get(0).definitionVersion()).isEqualTo(3);
    }

    @Test
    void triggerForADeletedTaskWithoutDefinitionIsDeadLettered() {
        UUID taskId = UUID.randomUUID();
        TriggerRequested trigger = new TriggerRequested(UUID.randomUUID(), UUID.randomUUID(), taskId, "gone",
                TriggerType.MANUAL, null, null, 1, null, 1, "alice", null, Instant.now());

        send(Topics.TASK_DEFINITIONS, taskId.toString(), null);
        // the definitions have a listener of their own: a trigger taken before the deletion is stored waits for its
        // definition (retried for a minute) rather than being refused, and holds up its partition meanwhile
        await().atMost(Duration.ofSeconds(30)).until(() -> deletions.existsById(taskId));
        publishTrigger(trigger);

        probe(Topics.deadLetter(Topics.TRIGGERS)).awaitOne(r -> r.value() != null && r.value().contains(trigger.runId().toString()));
        assertThat(runs.findById(trigger.runId())).isEmpty();
    }

    @Test
    void aDeletionSeesTheVersionsStoredBeforeItInItsPoll() {
        TaskSnapshot task = aTask().build();
        TriggerRequested later = aTriggerOf(task, "after-deletion").definitionVersion(2).build();

        // the version and the tombstone are usually stored in one poll's transaction: the deletion must cover version
        // 1, or a trigger for a version that will never come would wait for it (retried for a minute) instead of being
        // refused at once
        publishDefinition(task);
        send(Topics.TASK_DEFINITIONS, task.taskId().toString(), null);
        await().atMost(Duration.ofSeconds(30)).until(() -> deletions.existsById(task.taskId()));
        publishTrigger(later);

        probe(Topics.deadLetter(Topics.TRIGGERS)).awaitOne(r -> r.value() != null && r.value().contains(later.runId().toString()));
        assertThat(definitions.existsById(new TaskDefinition.Key(task.taskId(), 1))).isTrue();
        assertThat(runs.findById(later.runId())).isEmpty();
    }

    @Test
    void replayedDefinitionChangesNothing() {
        TaskSnapshot task = aTask().priority(40).build();
        TaskSnapshot sameVersionOtherContent = new TaskSnapshot(task.taskId(), task.name(), task.definitionVersion(),
                task.job(), Map.of("changed", true), task.dependencies(), task.schedules(), task.misfirePolicy(),
                task.catchUpLimit(), 90, task.retry(), task.executionTimeoutSeconds(), task.maxConcurrentRuns(),
                task.contentionProfiles(), null);
        TaskSnapshot version2 = new TaskSnapshot(task.taskId(), task.name(), 2, task.job(), task.parameters(),
                task.dependencies(), task.schedules(), task.misfirePolicy(), task.catchUpLimit(), 60, task.retry(),
                task.executionTimeoutSeconds(), task.maxConcurrentRuns(), task.contentionProfiles(), null);

        publishDefinition(task);
        publishDefinition(sameVersionOtherContent);
        publishDefinition(task);
        publishDefinition(version2);
        // Same key, same partition: once version 2 is stored, both replays of version 1 have been handled.
        await().atMost(Duration.ofSeconds(30)).until(() -> definitions.existsById(
                new TaskDefinition.Key(task.taskId(), 2)));

        TriggerRequested trigger = aTriggerOf(task, "after-replay").build();
        publishTrigger(trigger);

        TaskRun run = awaitRun(trigger.runId(), RunState.QUEUED);
        assertThat(run.definitionVersion()).isEqualTo(1);
        assertThat(run.priority()).isEqualTo(40);
        assertThat(run.parameters()).doesNotContainKey("changed");
        assertThat(definitions.findAll()).filteredOn(d -> d.taskId().equals(task.taskId()))
                .extracting(TaskDefinition::definitionVersion).containsExactlyInAnyOrder(1L, 2L);
    }
}
