package io.polysync.dispatcher;

import io.polysync.dispatcher.ledger.HistoryEntry;
import io.polysync.dispatcher.ledger.HistoryKind;
import io.polysync.dispatcher.ledger.TaskRun;
import io.polysync.dispatcher.support.DispatcherIntegrationTest;
import io.polysync.model.Json;
import io.polysync.model.Topics;
import io.polysync.model.event.CancelRun;
import io.polysync.model.event.RunCancelled;
import io.polysync.model.event.RunStarted;
import io.polysync.model.event.RunStateChanged;
import io.polysync.model.event.RunSucceeded;
import io.polysync.model.event.TriggerRequested;
import io.polysync.model.run.RunState;
import io.polysync.model.task.TaskSnapshot;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.UUID;

import static io.polysync.dispatcher.support.Fixtures.aTask;
import static io.polysync.dispatcher.support.Fixtures.aTriggerOf;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.tuple;
import static org.awaitility.Awaitility.await;

class CancelIT extends DispatcherIntegrationTest {

    @Test
    void cancellingAQueuedRunCancelsItAtOnceAndFreesItsSlot() {
        TaskSnapshot task = aTask().maxConcurrentRuns(1).build();
        publishDefinition(task);
        TriggerRequested first = aTriggerOf(task, "first").build();
        TriggerRequested second = aTriggerOf(task, "second").build();
        publishTrigger(first);
        await().atMost(Duration.ofSeconds(30)).until(() -> runs.findById(first.runId()).orElse(null),
                r -> r != null && r.admittedAt() != null);
        publishTrigger(second);
        await().atMost(Duration.ofSeconds(30)).until(() -> runs.findById(second.runId()).orElse(null),
                r -> r != null && r.waitingReason() != null);

        cancel(first.runId(), task.taskId(), "alice");

        TaskRun cancelled = awaitRun(first.runId(), RunState.CANCELLED);
        assertThat(cancelled.finishedAt()).isNotNull();
        assertThat(stateChanges(first.runId(), 2)).extracting(RunStateChanged::previousState, RunStateChanged::state,
                        RunStateChanged::reason)
                .contains(tuple(RunState.QUEUED, RunState.CANCELLED, "cancelled by alice"));
        CancelRun command = Json.decode(probe(Topics.WORKER_COMMANDS)
                .awaitOne(r -> r.key().equals(first.runId().toString())).value(), CancelRun.class);
        assertThat(command.taskId()).isEqualTo(task.taskId());
        TaskRun next = await().atMost(Duration.ofSeconds(30)).until(() -> runs.findById(second.runId()).orElseThrow(),
                r -> r.admittedAt() != null);
        assertThat(next.waitingReason()).isNull();
    }

    @Test
    void cancellingARunningRunAsksItsWorkerAndTheWorkersReportEndsIt() {
        TaskSnapshot task = aTask().build();
        publishDefinition(task);
        TriggerRequested trigger = aTriggerOf(task, "running").build();
        publishTrigger(trigger);
        awaitRun(trigger.runId(), RunState.QUEUED);
        report(new RunStarted(trigger.runId(), task.taskId(), "w-7", Instant.now()));
        awaitRun(trigger.runId(), RunState.RUNNING);

        cancel(trigger.runId(), task.taskId(), "bob");

        CancelRun command = Json.decode(probe(Topics.WORKER_COMMANDS)
                .awaitOne(r -> r.key().equals(trigger.runId().toString())).value(), CancelRun.class);
        assertThat(command.workerId()).isEqualTo("w-7");
        assertThat(runs.findById(trigger.runId()).orElseThrow().state()).isEqualTo(RunState.RUNNING);
        assertThat(historyOf(trigger.runId())).filteredOn(h -> h.kind() == HistoryKind.NOTE)
                .extracting(HistoryEntry::reason).contains("cancel requested by bob");

        report(new RunCancelled(trigger.runId(), task.taskId(), "w-7", "cancel requested", Instant.now()));

        awaitRun(trigger.runId(), RunState.CANCELLED);
        assertThat(stateChanges(trigger.runId(), 3)).extracting(RunStateChanged::state)
                .containsExactly(RunState.QUEUED, RunState.RUNNING, RunState.CANCELLED);
    }

    @Test
    void cancellingAFinishedRunIsIgnoredAndRecorded() {
        TaskSnapshot task = aTask().build();
        publishDefinition(task);
        TriggerRequested trigger = aTriggerOf(task, "done").build();
        publishTrigger(trigger);
        awaitRun(trigger.runId(), RunState.QUEUED);
        report(new RunStarted(trigger.runId(), task.taskId(), "w-1", Instant.now()));
        report(new RunSucceeded(trigger.runId(), task.taskId(), "w-1", Map.of(), Instant.now()));
        awaitRun(trigger.runId(), RunState.SUCCEEDED);

        cancel(trigger.runId(), task.taskId(), "carol");

        UUID runId = trigger.runId();
        await().atMost(Duration.ofSeconds(30)).until(() -> historyOf(runId).stream()
                .anyMatch(h -> h.reason().equals("cancel of a finished run ignored")));
        assertThat(runs.findById(runId).orElseThrow().state()).isEqualTo(RunState.SUCCEEDED);
    }
}
