package io.polysync.dispatcher;

import io.polysync.dispatcher.admission.WaitingRuns;
import io.polysync.dispatcher.ledger.HistoryEntry;
import io.polysync.dispatcher.ledger.HistoryKind;
import io.polysync.dispatcher.ledger.TaskRun;
import io.polysync.dispatcher.support.DispatcherIntegrationTest;
import io.polysync.model.Json;
import io.polysync.model.Topics;
import io.polysync.model.event.RunEvent;
import io.polysync.model.event.RunStarted;
import io.polysync.model.event.RunSucceeded;
import io.polysync.model.event.RunWaiting;
import io.polysync.model.event.TriggerRequested;
import io.polysync.model.run.Band;
import io.polysync.model.run.RunState;
import io.polysync.model.task.ContentionProfileSnapshot;
import io.polysync.model.task.TaskSnapshot;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.jdbc.core.JdbcTemplate;

import javax.sql.DataSource;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.stream.IntStream;

import static io.polysync.dispatcher.support.Fixtures.aProfile;
import static io.polysync.dispatcher.support.Fixtures.aTask;
import static io.polysync.dispatcher.support.Fixtures.aTriggerOf;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

class AdmissionIT extends DispatcherIntegrationTest {

    @Autowired
    private WaitingRuns waitingRuns;

    @Autowired
    private DataSource dataSource;

    @Test
    void maxConcurrentRunsOneAdmitsOneAndQueuesTheOthersUntilItFinishes() {
        TaskSnapshot task = aTask().maxConcurrentRuns(1).build();
        publishDefinition(task);
        List<TriggerRequested> triggers = IntStream.range(0, 3)
                .mapToObj(i -> aTriggerOf(task, "mcr-" + i).build()).toList();
        triggers.forEach(this::publishTrigger);

        List<TaskRun> all = await().atMost(Duration.ofSeconds(30)).until(() -> runsOf(task.taskId()),
                r -> r.size() == 3 && r.stream().filter(run -> run.waitingReason() != null).count() == 2);
        List<TaskRun> admitted = all.stream().filter(r -> r.admittedAt() != null).toList();
        assertThat(admitted).hasSize(1);
        assertThat(all).filteredOn(r -> r.admittedAt() == null)
                .allSatisfy(r -> {
                    assertThat(r.state()).isEqualTo(RunState.QUEUED);
                    assertThat(r.waitingReason()).isEqualTo("max concurrent runs 1 reached");
                    assertThat(historyOf(r.runId())).filteredOn(h -> h.kind() == HistoryKind.WAITING)
                            .extracting(HistoryEntry::reason).containsExactly("max concurrent runs 1 reached");
                });
        UUID waiting = all.stream().filter(r -> r.admittedAt() == null).findFirst().orElseThrow().runId();
        RunWaiting event = (RunWaiting) Json.decode(probe(Topics.RUN_EVENTS).awaitOne(r -> r.value().contains(
                "\"RunWaiting\"") && r.value().contains(waiting.toString())).value(), RunEvent.class);
        assertThat(event.reason()).isEqualTo("max concurrent runs 1 reached");
        assertThat(event.taskId()).isEqualTo(task.taskId());

        finish(admitted.get(0));

        List<TaskRun> after = await().atMost(Duration.ofSeconds(30)).until(() -> runsOf(task.taskId()),
                r -> r.stream().filter(TaskRun::holdsPermits).count() == 1
                        && r.stream().anyMatch(run -> run.state() == RunState.SUCCEEDED));
        TaskRun next = after.stream().filter(TaskRun::holdsPermits).findFirst().orElseThrow();
        assertThat(next.waitingReason()).isNull();
        assertThat(after).filteredOn(r -> r.admittedAt() == null).hasSize(1);
    }

    /**
     * A waiting run whose admission blocks on a release still in flight (another transaction holding the profile's
     * row) is stamped after that release commits: the ledger never shows it admitted while the permit it took was
     * still held, which is what a second replica finishing a run looks like.
     */
    @Test
    void aRunAdmittedAfterWaitingForAReleaseIsStampedAfterIt() throws SQLException {
        ContentionProfileSnapshot profile = aProfile("stamp-" + UUID.randomUUID().toString().substring(0, 8), 1,
                null, null);
        TaskSnapshot holder = aTask().profiles(profile).build();
        TaskSnapshot waiter = aTask().profiles(profile).build();
        List.of(holder, waiter).forEach(this::publishDefinition);
        publishTrigger(aTriggerOf(holder, "stamp-holder").build());
        TaskRun held = await().atMost(Duration.ofSeconds(30)).until(() -> runsOf(holder.taskId()),
                r -> r.size() == 1 && r.get(0).holdsPermits()).get(0);
        publishTrigger(aTriggerOf(waiter, "stamp-waiter").build());
        UUID waiting = await().atMost(Duration.ofSeconds(30)).until(() -> runsOf(waiter.taskId()),
                r -> r.size() == 1 && r.get(0).waitingReason() != null).get(0).runId();

        JdbcTemplate jdbc = new JdbcTemplate(dataSource);
        Instant released;
        try (Connection release = dataSource.getConnection()) {
            release.setAutoCommit(false);
            execute(release, "SELECT name FROM contention_profile WHERE name = ? FOR UPDATE", profile.name());
            execute(release, "DELETE FROM profile_permit WHERE run_id = ?", held.runId());
            // the waiting pass (every 200 ms here) reaches the profile and waits for this very transaction
            int releasing = backendOf(release);
            await().atMost(Duration.ofSeconds(30)).until(() -> jdbc.queryForObject("SELECT COUNT(*) FROM"
                    + " pg_stat_activity WHERE ? = ANY(pg_blocking_pids(pid))", Integer.class, releasing) > 0);
            released = Instant.now().truncatedTo(ChronoUnit.MICROS);
            release.commit();
        }

        TaskRun admitted = await().atMost(Duration.ofSeconds(30))
                .until(() -> runs.findById(waiting).orElseThrow(), r -> r.admittedAt() != null);
        assertThat(admitted.admittedAt()).isAfterOrEqualTo(released);
    }

    private static int backendOf(Connection connection) throws SQLException {
        try (PreparedStatement statement = connection.prepareStatement("SELECT pg_backend_pid()");
             ResultSet result = statement.executeQuery()) {
            result.next();
            return result.getInt(1);
        }
    }

    private static void execute(Connection connection, String sql, Object parameter) throws SQLException {
        try (PreparedStatement statement = connection.prepareStatement(sql)) {
            statement.setObject(1, parameter);
            statement.execute();
        }
    }

    @Test
    void aProfileSharedByTwoTasksNeverHasMoreThanItsLimitAdmittedUnderABurst() {
        ContentionProfileSnapshot shared = aProfile("shared-" + UUID.randomUUID().toString().substring(0, 8), 2,
                null, null);
        TaskSnapshot a = aTask().profiles(shared).build();
        TaskSnapshot b = aTask().profiles(shared).build();
        publishDefinition(a);
        publishDefinition(b);
        for (int i = 0; i < 5; i++) {
            publishTrigger(aTriggerOf(a, "burst-" + i).build());
            publishTrigger(aTriggerOf(b, "burst-" + i).build());
        }
        await().atMost(Duration.ofSeconds(30)).until(() -> runsOf(a.taskId(), b.taskId()), r -> r.size() == 10
                && r.stream().filter(run -> run.waitingReason() != null).count() == 8);
        assertThat(runsOf(a.taskId(), b.taskId())).filteredOn(r -> r.admittedAt() == null)
                .extracting(TaskRun::waitingReason).containsOnly("profile " + shared.name() + ": 2 of 2 in use");

        Set<UUID> started = new HashSet<>();
        while (true) {
            List<TaskRun> now = runsOf(a.taskId(), b.taskId());
            assertThat(now.stream().filter(TaskRun::holdsPermits).count()).isLessThanOrEqualTo(2);
            if (now.stream().allMatch(r -> r.state().isTerminal())) {
                break;
            }
            List<TaskRun> holding = now.stream().filter(TaskRun::holdsPermits).toList();
            if (holding.isEmpty()) {
                await().atMost(Duration.ofSeconds(30)).until(() -> runsOf(a.taskId(), b.taskId()).stream()
                        .anyMatch(TaskRun::holdsPermits));
                continue;
            }
            TaskRun done = holding.get(0);
            holding.stream().filter(r -> started.add(r.runId()))
                    .forEach(r -> report(new RunStarted(r.runId(), r.taskId(), "w-1", Instant.now())));
            report(new RunSucceeded(done.runId(), done.taskId(), "w-1", Map.of(), Instant.now()));
            awaitRun(done.runId(), RunState.SUCCEEDED);
        }
        List<TaskRun> finished = runsOf(a.taskId(), b.taskId());
        assertThat(finished).allSatisfy(r -> assertThat(r.state()).isEqualTo(RunState.SUCCEEDED));
        assertThat(maxOverlap(finished)).isEqualTo(2);
    }

    @Test
    void aRateLimitSpacesAdmissionsOverItsSlidingWindow() {
        ContentionProfileSnapshot quota = aProfile("quota-" + UUID.randomUUID().toString().substring(0, 8), null,
                3, Duration.ofSeconds(2));
        TaskSnapshot task = aTask().profiles(quota).build();
        publishDefinition(task);
        for (int i = 0; i < 7; i++) {
            publishTrigger(aTriggerOf(task, "rate-" + i).build());
        }
        await().atMost(Duration.ofSeconds(30)).until(() -> runsOf(task.taskId()),
                r -> r.size() == 7 && r.stream().filter(run -> run.waitingReason() != null).count() == 4);
        assertThat(runsOf(task.taskId())).filteredOn(r -> r.admittedAt() == null)
                .extracting(TaskRun::waitingReason)
                .allSatisfy(reason -> assertThat(reason)
                        .startsWith("profile " + quota.name() + ": rate 3/2s reached, next slot at "));

        List<TaskRun> all = await().atMost(Duration.ofSeconds(30)).until(() -> runsOf(task.taskId()),
                r -> r.stream().allMatch(run -> run.admittedAt() != null));
        List<Instant> admittedAt = all.stream().map(TaskRun::admittedAt).sorted().toList();
        for (int i = 0; i + 3 < admittedAt.size(); i++) {
            assertThat(Duration.between(admittedAt.get(i), admittedAt.get(i + 3)))
                    .isGreaterThanOrEqualTo(Duration.ofSeconds(2));
        }
        assertThat(Duration.between(admittedAt.get(0), admittedAt.get(6))).isLessThan(Duration.ofSeconds(8));
    }

    @Test
    void aBacklogIsAdmittedHighestPriorityFirst() {
        ContentionProfileSnapshot gate = aProfile("gate-" + UUID.randomUUID().toString().substring(0, 8), 1, null,
                null);
        TaskSnapshot blocker = aTask().profiles(gate).build();
        TaskSnapshot low = aTask().priority(10).profiles(gate).build();
        TaskSnapshot normal = aTask().priority(50).profiles(gate).build();
        TaskSnapshot high = aTask().priority(90).profiles(gate).build();
        List.of(blocker, low, normal, high).forEach(this::publishDefinition);
        TaskRun holding = admitAndStart(blocker);
        List<TriggerRequested> backlog = List.of(aTriggerOf(low, "b").build(), aTriggerOf(normal, "b").build(),
                aTriggerOf(high, "b").build());
        backlog.forEach(this::publishTrigger);
        await().atMost(Duration.ofSeconds(30)).until(() -> runsOf(low.taskId(), normal.taskId(), high.taskId()),
                r -> r.size() == 3 && r.stream().allMatch(run -> run.waitingReason() != null));

        List<UUID> order = drain(holding, backlog);

        assertThat(order).containsExactly(backlog.get(2).runId(), backlog.get(1).runId(), backlog.get(0).runId());
        assertThat(runs.findById(backlog.get(2).runId()).orElseThrow().band()).isEqualTo(Band.HIGH);
        assertThat(runs.findById(backlog.get(0).runId()).orElseThrow().band()).isEqualTo(Band.LOW);
    }

    @Test
    void ageingLiftsAnOldLowPriorityRunAboveANewHighPriorityOne() {
        ContentionProfileSnapshot gate = aProfile("ageing-" + UUID.randomUUID().toString().substring(0, 8), 1,
                null, null);
        TaskSnapshot blocker = aTask().profiles(gate).build();
        TaskSnapshot low = aTask().priority(10).profiles(gate).build();
        TaskSnapshot high = aTask().priority(90).profiles(gate).build();
        List.of(blocker, low, high).forEach(this::publishDefinition);
        TaskRun holding = admitAndStart(blocker);
        TriggerRequested old = aTriggerOf(low, "old").occurredAt(Instant.now().minus(Duration.ofHours(2))).build();
        TriggerRequested fresh = aTriggerOf(high, "fresh").build();
        publishTrigger(fresh);
        publishTrigger(old);
        await().atMost(Duration.ofSeconds(30)).until(() -> runsOf(low.taskId(), high.taskId()),
                r -> r.size() == 2 && r.stream().allMatch(run -> run.waitingReason() != null));

        List<UUID> order = drain(holding, List.of(old, fresh));

        assertThat(order).containsExactly(old.runId(), fresh.runId());
        TaskRun aged = runs.findById(old.runId()).orElseThrow();
        assertThat(aged.band()).isEqualTo(Band.HIGH);
        assertThat(historyOf(aged.runId())).extracting(HistoryEntry::reason)
                .contains("dispatched to polysync.runs.high at effective priority 100");
    }

    @Test
    void aNewRunDoesNotTakeAFreedTaskSlotBeforeARunAlreadyWaitingForIt() {
        TaskSnapshot task = aTask().maxConcurrentRuns(1).build();
        publishDefinition(task);
        TaskRun holding = admitAndStart(task);
        TriggerRequested older = aTriggerOf(task, "older").build();
        publishTrigger(older);
        awaitWaiting(older.runId());
        // the pass that would follow the release is held back, so the freed slot is still free when the newcomer
        // arrives: the moment a new trigger used to jump the queue
        waitingRuns.stop();
        try {
            finish(holding);
            TriggerRequested newer = aTriggerOf(task, "newer").build();
            publishTrigger(newer);

            TaskRun newcomer = awaitWaiting(newer.runId());
            assertThat(newcomer.waitingReason()).isEqualTo("max concurrent runs 1: runs waiting before it go first");
            assertThat(runs.findById(older.runId()).orElseThrow().admittedAt()).isNull();

            assertThat(waitingRuns.admitWaiting(Instant.now())).isEqualTo(1);
            assertThat(runs.findById(older.runId()).orElseThrow().admittedAt()).isNotNull();
            assertThat(runs.findById(newer.runId()).orElseThrow().admittedAt()).isNull();
        } finally {
            waitingRuns.start();
        }
    }

    @Test
    void aNewRunWaitsBehindRunsWaitingForItsProfileUnlessItGoesBeforeThem() {
        ContentionProfileSnapshot gate = aProfile("fair-" + UUID.randomUUID().toString().substring(0, 8), 1, null,
                null);
        TaskSnapshot blocker = aTask().profiles(gate).build();
        TaskSnapshot waiter = aTask().priority(50).profiles(gate).build();
        TaskSnapshot equal = aTask().priority(50).profiles(gate).build();
        TaskSnapshot urgent = aTask().priority(90).profiles(gate).build();
        List.of(blocker, waiter, equal, urgent).forEach(this::publishDefinition);
        TaskRun holding = admitAndStart(blocker);
        TriggerRequested older = aTriggerOf(waiter, "older").build();
        publishTrigger(older);
        awaitWaiting(older.runId());
        waitingRuns.stop();
        try {
            finish(holding);
            TriggerRequested same = aTriggerOf(equal, "same").build();
            publishTrigger(same);
            assertThat(awaitWaiting(same.runId()).waitingReason())
                    .isEqualTo("profile " + gate.name() + ": runs waiting before it go first");
            assertThat(runs.findById(older.runId()).orElseThrow().admittedAt()).isNull();

            TriggerRequested higher = aTriggerOf(urgent, "higher").build();
            publishTrigger(higher);
            await().atMost(Duration.ofSeconds(30)).until(() -> runs.findById(higher.runId()).orElse(null),
                    r -> r != null && r.admittedAt() != null);
            assertThat(runsOf(blocker.taskId(), waiter.taskId(), equal.taskId(), urgent.taskId()))
                    .filteredOn(TaskRun::holdsPermits).extracting(TaskRun::runId).containsExactly(higher.runId());
        } finally {
            waitingRuns.start();
        }
    }

    /** The run once admission has decided on it; it waits when its waiting reason is set. */
    private TaskRun awaitWaiting(UUID runId) {
        TaskRun run = await().atMost(Duration.ofSeconds(30)).until(() -> runs.findById(runId).orElse(null),
                r -> r != null && (r.waitingReason() != null || r.admittedAt() != null));
        assertThat(run.admittedAt()).as("admitted at").isNull();
        return run;
    }

    private TaskRun admitAndStart(TaskSnapshot task) {
        TriggerRequested trigger = aTriggerOf(task, "blocker").build();
        publishTrigger(trigger);
        TaskRun run = await().atMost(Duration.ofSeconds(30))
                .until(() -> runs.findById(trigger.runId()).orElse(null), r -> r != null && r.admittedAt() != null);
        report(new RunStarted(run.runId(), run.taskId(), "w-1", Instant.now()));
        return awaitRun(run.runId(), RunState.RUNNING);
    }

    /** Finishes {@code first}, then each run as it is admitted, one at a time; the order they were admitted in. */
    private List<UUID> drain(TaskRun first, List<TriggerRequested> backlog) {
        List<UUID> order = new ArrayList<>();
        TaskRun current = first;
        while (order.size() < backlog.size()) {
            finish(current);
            current = await().atMost(Duration.ofSeconds(30)).until(() -> backlog.stream()
                    .map(t -> runs.findById(t.runId()).orElseThrow())
                    .filter(r -> r.admittedAt() != null && !order.contains(r.runId()))
                    .findFirst().orElse(null), r -> r != null);
            order.add(current.runId());
        }
        finish(current);
        return order;
    }

    private void finish(TaskRun run) {
        if (run.state() == RunState.QUEUED) {
            report(new RunStarted(run.runId(), run.taskId(), "w-1", Instant.now()));
        }
        report(new RunSucceeded(run.runId(), run.taskId(), "w-1", Map.of(), Instant.now()));
        awaitRun(run.runId(), RunState.SUCCEEDED);
    }

    /** The most runs holding permits at any one instant, from admitted_at and finished_at in the ledger. */
    private static int maxOverlap(List<TaskRun> runs) {
        int max = 0;
        for (TaskRun run : runs) {
            Instant at = run.admittedAt();
            int overlapping = (int) runs.stream()
                    .filter(r -> !r.admittedAt().isAfter(at) && r.finishedAt().isAfter(at)).count();
            max = Math.max(max, overlapping);
        }
        return max;
    }
}
