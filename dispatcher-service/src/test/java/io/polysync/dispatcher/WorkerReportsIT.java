package io.polysync.dispatcher;

import io.polysync.dispatcher.ledger.HistoryEntry;
import io.polysync.dispatcher.ledger.HistoryKind;
import io.polysync.dispatcher.ledger.TaskRun;
import io.polysync.dispatcher.support.DispatcherIntegrationTest;
import io.polysync.model.Json;
import io.polysync.model.Topics;
import io.polysync.model.event.CancelRun;
import io.polysync.model.event.RunFailed;
import io.polysync.model.event.RunHeartbeat;
import io.polysync.model.event.RunStarted;
import io.polysync.model.event.RunStateChanged;
import io.polysync.model.event.RunSucceeded;
import io.polysync.model.event.TriggerRequested;
import io.polysync.model.run.FailureReason;
import io.polysync.model.run.RunError;
import io.polysync.model.run.RunState;
import io.polysync.model.task.TaskSnapshot;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import static io.polysync.dispatcher.support.Fixtures.aTask;
import static io.polysync.dispatcher.support.Fixtures.aTriggerOf;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.tuple;
import static org.awaitility.Awaitility.await;

class WorkerReportsIT extends DispatcherIntegrationTest {

    @Test
    void startThenSuccessMakesASucceededRunWithOutputsAndThreeEvents() {
        TaskRun queued = queueRun();
        Instant startedAt = Instant.parse("2026-11-28T10:00:00Z");
        Instant finishedAt = Instant.parse("2026-11-28T10:00:05Z");

        report(new RunStarted(queued.runId(), queued.taskId(), "w-1", startedAt));
        report(new RunSucceeded(queued.runId(), queued.taskId(), "w-1", Map.of("status", 200, "body", "ok"),
                finishedAt));

        TaskRun run = awaitRun(queued.runId(), RunState.SUCCEEDED);
        assertThat(run.outputs()).isEqualTo(Map.of("status", 200, "body", "ok"));
        assertThat(run.claimedBy()).isEqualTo("w-1");
        assertThat(run.startedAt()).isEqualTo(startedAt);
        assertThat(run.finishedAt()).isEqualTo(finishedAt);
        assertThat(run.lastHeartbeatAt()).isNotNull();
        assertThat(run.error()).isNull();
        assertThat(transitions(run.runId())).containsExactly(RunState.QUEUED, RunState.RUNNING, RunState.SUCCEEDED);

        List<RunStateChanged> events = stateChanges(run.runId(), 3);
        assertThat(events).extracting(RunStateChanged::previousState, RunStateChanged::state).containsExactly(
                tuple(null, RunState.QUEUED),
                tuple(RunState.QUEUED, RunState.RUNNING),
                tuple(RunState.RUNNING, RunState.SUCCEEDED));
        RunStateChanged succeeded = events.get(2);
        assertThat(succeeded.outputs()).isEqualTo(Map.of("status", 200, "body", "ok"));
        assertThat(succeeded.workerId()).isEqualTo("w-1");
        assertThat(succeeded.reason()).isEqualTo("succeeded on worker w-1");
        assertThat(succeeded.startedAt()).isEqualTo(startedAt);
        assertThat(succeeded.finishedAt()).isEqualTo(finishedAt);
        assertThat(succeeded.queuedAt()).isEqualTo(run.queuedAt());
        assertThat(succeeded.taskName()).isEqualTo(run.taskName());
        assertThat(events.get(1).reason()).isEqualTo("started by worker w-1");
    }

    @Test
    void failureMakesAFailedRunWithTheError() {
        TaskRun queued = queueRun();
        RunError error = new RunError(FailureReason.EXECUTION_FAILED, "exit code 3", true);

        report(new RunStarted(queued.runId(), queued.taskId(), "w-1", Instant.now()));
        report(new RunFailed(queued.runId(), queued.taskId(), "w-1", error, Instant.now()));

        TaskRun run = awaitRun(queued.runId(), RunState.FAILED);
        assertThat(run.error()).isEqualTo(error);
        assertThat(run.outputs()).isNull();
        assertThat(run.finishedAt()).isNotNull();
        assertThat(transitions(run.runId())).containsExactly(RunState.QUEUED, RunState.RUNNING, RunState.FAILED);
        RunStateChanged failed = stateChanges(run.runId(), 3).get(2);
        assertThat(failed.state()).isEqualTo(RunState.FAILED);
        assertThat(failed.error()).isEqualTo(error);
        assertThat(failed.reason()).isEqualTo("failed on worker w-1: EXECUTION_FAILED: exit code 3");
    }

    @Test
    void startFromASecondWorkerIsRejectedAndRecordedWhileTheClaimHolderKeepsTheRun() {
        TaskRun queued = queueRun();
        report(new RunStarted(queued.runId(), queued.taskId(), "w-1", Instant.now()));
        TaskRun running = awaitRun(queued.runId(), RunState.RUNNING);

        report(new RunStarted(queued.runId(), queued.taskId(), "w-1", Instant.now()));
        report(new RunHeartbeat(queued.runId(), queued.taskId(), "w-2", Instant.now()));
        report(new RunStarted(queued.runId(), queued.taskId(), "w-2", Instant.now()));
        awaitNote(queued.runId(), "rejected RunStarted from worker w-2: run is claimed by w-1");

        report(new RunHeartbeat(queued.runId(), queued.taskId(), "w-1", Instant.now()));
        TaskRun run = await().atMost(Duration.ofSeconds(30))
                .until(() -> runs.findById(queued.runId()).orElseThrow(),
                        r -> r.lastHeartbeatAt().isAfter(running.lastHeartbeatAt()));
        assertThat(run.state()).isEqualTo(RunState.RUNNING);
        assertThat(run.claimedBy()).isEqualTo("w-1");
        assertThat(historyOf(run.runId())).filteredOn(e -> e.kind() == HistoryKind.NOTE)
                .extracting(HistoryEntry::reason)
                .containsExactly("dispatched to polysync.runs.normal",
                        "rejected RunStarted from worker w-2: run is claimed by w-1");
        assertThat(transitions(run.runId())).containsExactly(RunState.QUEUED, RunState.RUNNING);
        assertThat(stateChanges(run.runId(), 2)).hasSize(2);
    }

    @Test
    void aWorkerWhoseStartIsRejectedIsAskedAloneToStopTheRun() {
        TaskRun queued = queueRun();
        report(new RunStarted(queued.runId(), queued.taskId(), "w-1", Instant.now()));
        awaitRun(queued.runId(), RunState.RUNNING);

        // a repeated delivery of the run to another worker, which starts executing it
        report(new RunStarted(queued.runId(), queued.taskId(), "w-2", Instant.now()));

        List<CancelRun> commands = probe(Topics.WORKER_COMMANDS)
                .await(1, r -> r.key().equals(queued.runId().toString())).stream()
                .map(r -> Json.decode(r.value(), CancelRun.class)).toList();
        assertThat(commands).singleElement().satisfies(c -> {
            assertThat(c.workerId()).isEqualTo("w-2");
            assertThat(c.taskId()).isEqualTo(queued.taskId());
        });
        assertThat(runs.findById(queued.runId()).orElseThrow().state()).isEqualTo(RunState.RUNNING);
    }

    @Test
    void aWorkerStillHeartbeatingARunThatEndedWithoutItIsAskedToStop() {
        TaskRun queued = queueRun();
        report(new RunStarted(queued.runId(), queued.taskId(), "w-1", Instant.now()));
        report(new RunFailed(queued.runId(), queued.taskId(), "w-1",
                RunError.retryable(FailureReason.LOST, "lease expired"), Instant.now()));
        awaitRun(queued.runId(), RunState.FAILED);

        // the worker was frozen past its lease and goes on as if nothing happened
        report(new RunHeartbeat(queued.runId(), queued.taskId(), "w-1", Instant.now()));

        CancelRun stop = Json.decode(probe(Topics.WORKER_COMMANDS)
                .awaitOne(r -> r.key().equals(queued.runId().toString())).value(), CancelRun.class);
        assertThat(stop.workerId()).isEqualTo("w-1");
        assertThat(runs.findById(queued.runId()).orElseThrow().state()).isEqualTo(RunState.FAILED);
    }

    @Test
    void reportOnAFinishedRunIsRejectedAndRecordedAndTheFirstOutcomeStands() {
        TaskRun queued = queueRun();
        report(new RunStarted(queued.runId(), queued.taskId(), "w-1", Instant.now()));
        report(new RunSucceeded(queued.runId(), queued.taskId(), "w-1", Map.of("rows", 3), Instant.now()));
        awaitRun(queued.runId(), RunState.SUCCEEDED);

        report(new RunFailed(queued.runId(), queued.taskId(), "w-1",
                RunError.retryable(FailureReason.LOST, "late"), Instant.now()));
        report(new RunStarted(queued.runId(), queued.taskId(), "w-2", Instant.now()));
        awaitNote(queued.runId(), "rejected RunStarted from worker w-2: run is already SUCCEEDED");

        TaskRun run = runs.findById(queued.runId()).orElseThrow();
        assertThat(run.state()).isEqualTo(RunState.SUCCEEDED);
        assertThat(run.outputs()).isEqualTo(Map.of("rows", 3));
        assertThat(run.error()).isNull();
        assertThat(historyOf(run.runId())).extracting(HistoryEntry::reason)
                .contains("rejected RunFailed from worker w-1: run is already SUCCEEDED");
        assertThat(transitions(run.runId())).containsExactly(RunState.QUEUED, RunState.RUNNING, RunState.SUCCEEDED);
        assertThat(stateChanges(run.runId(), 3)).hasSize(3);
    }

    @Test
    void outcomeOnAnUnclaimedQueuedRunClaimsIt() {
        TaskRun queued = queueRun();

        report(new RunSucceeded(queued.runId(), queued.taskId(), "w-3", Map.of(), Instant.now()));

        TaskRun run = awaitRun(queued.runId(), RunState.SUCCEEDED);
        assertThat(run.claimedBy()).isEqualTo("w-3");
        assertThat(run.startedAt()).isNull();
        assertThat(transitions(run.runId())).containsExactly(RunState.QUEUED, RunState.SUCCEEDED);
        assertThat(stateChanges(run.runId(), 2).get(1).previousState()).isEqualTo(RunState.QUEUED);
    }

    @Test
    void reportForAnUnknownRunIsSkippedAndLaterReportsStillApply() {
        TaskRun queued = queueRun();
        UUID unknown = UUID.randomUUID();

        report(new RunStarted(unknown, queued.taskId(), "w-1", Instant.now()));
        report(new RunStarted(queued.runId(), queued.taskId(), "w-1", Instant.now()));

        awaitRun(queued.runId(), RunState.RUNNING);
        assertThat(runs.findById(unknown)).isEmpty();
        assertThat(historyOf(unknown)).isEmpty();
    }

    private TaskRun queueRun() {
        TaskSnapshot task = aTask().build();
        TriggerRequested trigger = aTriggerOf(task, "run").build();
        publishDefinition(task);
        publishTrigger(trigger);
        return awaitRun(trigger.runId(), RunState.QUEUED);
    }

    private List<RunState> transitions(UUID runId) {
        return historyOf(runId).stream().filter(e -> e.kind() == HistoryKind.TRANSITION).map(HistoryEntry::state)
                .toList();
    }

    private void awaitNote(UUID runId, String note) {
        await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(50))
                .until(() -> historyOf(runId).stream().anyMatch(e -> e.kind() == HistoryKind.NOTE
                        && e.reason().equals(note)));
    }
}
