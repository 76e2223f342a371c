package io.polysync.dispatcher;

import io.polysync.dispatcher.ledger.HistoryEntry;
import io.polysync.dispatcher.ledger.LeaseReaper;
import io.polysync.dispatcher.ledger.ReportReading;
import io.polysync.dispatcher.ledger.TaskRun;
import io.polysync.dispatcher.support.DispatcherIntegrationTest;
import io.polysync.model.event.RunHeartbeat;
import io.polysync.model.event.RunStarted;
import io.polysync.model.event.RunStateChanged;
import io.polysync.model.event.RunSucceeded;
import io.polysync.model.event.TriggerRequested;
import io.polysync.model.run.FailureReason;
import io.polysync.model.run.RunState;
import io.polysync.model.task.ContentionProfileSnapshot;
import io.polysync.model.task.TaskSnapshot;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.jdbc.core.JdbcTemplate;

import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.UUID;

import static io.polysync.dispatcher.support.Fixtures.aProfile;
import static io.polysync.dispatcher.support.Fixtures.aTask;
import static io.polysync.dispatcher.support.Fixtures.aTriggerOf;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/** The test context sets start-timeout 6s and lease-timeout 4s. */
class LeasesIT extends DispatcherIntegrationTest {

    @Autowired
    private JdbcTemplate jdbc;

    @Autowired
    private LeaseReaper reaper;

    @Autowired
    private ReportReading reading;

    @Test
    void aRunNoWorkerStartsIsFailedLostAndItsPermitGoesToTheNextRun() {
        ContentionProfileSnapshot gate = aProfile("lease-" + UUID.randomUUID().toString().substring(0, 8), 1, null,
                null);
        TaskSnapshot task = aTask().profiles(gate).build();
        publishDefinition(task);
        TriggerRequested abandoned = aTriggerOf(task, "abandoned").build();
        TriggerRequested next = aTriggerOf(task, "next").build();
        publishTrigger(abandoned);
        publishTrigger(next);
        await().atMost(Duration.ofSeconds(30)).until(() -> runs.findById(next.runId()).orElse(null),
                r -> r != null && r.waitingReason() != null);

        TaskRun lost = await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(100))
                .until(() -> runs.findById(abandoned.runId()).orElseThrow(), r -> r.state() == RunState.FAILED);

        assertThat(lost.error().reason()).isEqualTo(FailureReason.LOST);
        assertThat(lost.error().retryable()).isTrue();
        assertThat(Duration.between(lost.admittedAt(), lost.finishedAt())).isGreaterThanOrEqualTo(Duration.ofSeconds(6));
        assertThat(stateChanges(abandoned.runId(), 2).get(1).error().reason()).isEqualTo(FailureReason.LOST);
        assertThat(permitsOf(abandoned.runId())).isZero();
        TaskRun admitted = await().atMost(Duration.ofSeconds(30))
                .until(() -> runs.findById(next.runId()).orElseThrow(), r -> r.admittedAt() != null);
        assertThat(admitted.admittedAt()).isAfterOrEqualTo(lost.finishedAt());
        assertThat(permitsOf(next.runId())).isEqualTo(1);
    }

    @Test
    void aRunningRunWithoutHeartbeatsIsFailedLostAndTheWorkersLateReportIsRejected() {
        TaskSnapshot task = aTask().build();
        publishDefinition(task);
        TriggerRequested trigger = aTriggerOf(task, "silent").build();
        publishTrigger(trigger);
        awaitRun(trigger.runId(), RunState.QUEUED);
        report(new RunStarted(trigger.runId(), task.taskId(), "w-9", Instant.now()));
        TaskRun running = awaitRun(trigger.runId(), RunState.RUNNING);

        TaskRun lost = await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(100))
                .until(() -> runs.findById(trigger.runId()).orElseThrow(), r -> r.state() == RunState.FAILED);

        assertThat(lost.error().reason()).isEqualTo(FailureReason.LOST);
        assertThat(lost.error().retryable()).isTrue();
        assertThat(lost.error().message()).contains("w-9").contains("no heartbeat");
        assertThat(Duration.between(running.lastHeartbeatAt(), lost.finishedAt()))
                .isGreaterThanOrEqualTo(Duration.ofSeconds(4));
        RunStateChanged failed = stateChanges(trigger.runId(), 3).get(2);
        assertThat(failed.previousState()).isEqualTo(RunState.RUNNING);
        assertThat(failed.state()).isEqualTo(RunState.FAILED);

        report(new RunSucceeded(trigger.runId(), task.taskId(), "w-9", Map.of(), Instant.now()));

        UUID runId = trigger.runId();
        await().atMost(Duration.ofSeconds(30)).until(() -> historyOf(runId).stream().map(HistoryEntry::reason)
                .anyMatch(r -> r.equals("rejected RunSucceeded from worker w-9: run is already FAILED")));
        assertThat(runs.findById(runId).orElseThrow().state()).isEqualTo(RunState.FAILED);
    }

    @Test
    void heartbeatsKeepARunningRunAlivePastTheLeaseTimeout() {
        TaskSnapshot task = aTask().build();
        publishDefinition(task);
        TriggerRequested trigger = aTriggerOf(task, "beating").build();
        publishTrigger(trigger);
        awaitRun(trigger.runId(), RunState.QUEUED);
        report(new RunStarted(trigger.runId(), task.taskId(), "w-3", Instant.now()));
        TaskRun started = awaitRun(trigger.runId(), RunState.RUNNING);

        Instant until = started.lastHeartbeatAt().plusSeconds(7);
        while (Instant.now().isBefore(until)) {
            report(new RunHeartbeat(trigger.runId(), task.taskId(), "w-3", Instant.now()));
            await().pollDelay(Duration.ofSeconds(1)).atMost(Duration.ofSeconds(2)).until(() -> true);
        }

        assertThat(runs.findById(trigger.runId()).orElseThrow().state()).isEqualTo(RunState.RUNNING);
        report(new RunSucceeded(trigger.runId(), task.taskId(), "w-3", Map.of(), Instant.now()));
        awaitRun(trigger.runId(), RunState.SUCCEEDED);
    }

    @Test
    void silenceWhileNoOneReadTheWorkerReportsDoesNotCountAgainstALease() {
        TaskSnapshot task = aTask().build();
        publishDefinition(task);
        TriggerRequested trigger = aTriggerOf(task, "unread").build();
        publishTrigger(trigger);
        awaitRun(trigger.runId(), RunState.QUEUED);
        report(new RunStarted(trigger.runId(), task.taskId(), "w-5", Instant.now()));
        Instant lastHeard = awaitRun(trigger.runId(), RunState.RUNNING).lastHeartbeatAt();
        Instant readingBefore = reading.since();
        try {
            // as after a restart: this dispatcher began reading reports 2 s after it last heard of the run, so at
            // 5 s the run has been silent for more than the 4 s lease, but only 3 s of that was read
            reading.began(lastHeard.plusSeconds(2));
            reaper.runOnce(lastHeard.plusSeconds(5));
            assertThat(runs.findById(trigger.runId()).orElseThrow().state()).isEqualTo(RunState.RUNNING);

            reaper.runOnce(lastHeard.plusSeconds(7));
            TaskRun lost = runs.findById(trigger.runId()).orElseThrow();
            assertThat(lost.state()).isEqualTo(RunState.FAILED);
            assertThat(lost.error().reason()).isEqualTo(FailureReason.LOST);
        } finally {
            reading.began(readingBefore);
        }
    }

    private int permitsOf(UUID runId) {
        Integer count = jdbc.queryForObject("SELECT COUNT(*) FROM profile_permit WHERE run_id = ?", Integer.class,
                runId);
        return count == null ? 0 : count;
    }
}
