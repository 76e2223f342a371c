package io.polysync.task.run;

import io.polysync.model.Json;
import io.polysync.model.Topics;
import io.polysync.model.event.RunEvent;
import io.polysync.model.event.RunStateChanged;
import io.polysync.model.run.RunState;
import io.polysync.model.run.TriggerType;
import io.polysync.runtime.testing.TopicProbe;
import io.polysync.task.support.IntegrationTest;
import jakarta.persistence.EntityManagerFactory;
import org.hibernate.SessionFactory;
import org.hibernate.stat.Statistics;
import org.junit.jupiter.api.Test;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.annotation.Autowired;

import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.stream.Collectors;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The run read model under a stream of run events: what it costs (printed, not asserted: DESIGN.md section 10 rule 24
 * keeps figures in the benchmark) and that a poll's events fold exactly as one-by-one application would, with
 * duplicates, out-of-order events and a poison record among them.
 */
class RunEventThroughputIT extends IntegrationTest {

    private static final Logger log = LoggerFactory.getLogger(RunEventThroughputIT.class);

    @Autowired
    private EntityManagerFactory entityManagers;

    @Test
    void appliesFifteenThousandRunEventsAndPrintsTheirCost() {
        int runs = 5_000;
        List<UUID> tasks = new ArrayList<>();
        for (int i = 0; i < 12; i++) {
            tasks.add(UUID.randomUUID());
        }
        Instant t0 = Instant.now().truncatedTo(ChronoUnit.MILLIS);
        List<UUID> runIds = new ArrayList<>();
        List<RunEvent> queued = new ArrayList<>();
        List<RunEvent> later = new ArrayList<>();
        for (int i = 0; i < runs; i++) {
            UUID taskId = tasks.get(i % tasks.size());
            UUID runId = UUID.randomUUID();
            runIds.add(runId);
            queued.add(changed(runId, taskId, null, RunState.QUEUED, t0, null, null, t0));
            later.add(changed(runId, taskId, RunState.QUEUED, RunState.RUNNING, t0, t0.plusMillis(1), null,
                    t0.plusMillis(1)));
            later.add(changed(runId, taskId, RunState.RUNNING, RunState.SUCCEEDED, t0, t0.plusMillis(1),
                    t0.plusMillis(2), t0.plusMillis(2)));
        }
        Statistics statistics = entityManagers.unwrap(SessionFactory.class).getStatistics();
        long transactionsBefore = statistics.getSuccessfulTransactionCount();
        long commitsBefore = databaseCommits();
        long start = System.nanoTime();

        // as the dispatcher publishes them: a run's QUEUED, then RUNNING and SUCCEEDED as runs start and finish
        send(queued);
        send(later);
        await().atMost(Duration.ofMinutes(5)).pollInterval(Duration.ofMillis(100))
                .until(() -> succeeded(tasks) == runs);

        double seconds = (System.nanoTime() - start) / 1e9;
        long transactions = statistics.getSuccessfulTransactionCount() - transactionsBefore;
        long commits = databaseCommits() - commitsBefore;
        int events = runs * 3;
        log.info(String.format("run read model: %d events of %d runs applied in %.2f s = %.0f events/s;"
                        + " %d JPA transactions (%.3f per event); PostgreSQL xact_commit delta %d (%.3f per event,"
                        + " database-wide: includes every other client of the database)", events, runs, seconds,
                events / seconds, transactions, (double) transactions / events, commits, (double) commits / events));
        assertThat(jdbc.queryForObject("SELECT COUNT(*) FROM task_run_history WHERE run_id IN (SELECT run_id FROM"
                + " task_run WHERE task_id IN (" + in(tasks) + "))", Integer.class)).isEqualTo(events);
        assertThat(history(runIds.get(runs - 1))).containsExactly("QUEUED", "RUNNING", "SUCCEEDED");
    }

    @Test
    void printsWhatARunOnceRequestCosts() {
        String task = unique("once-cost");
        createNoopTask(task, List.of());
        api.postEmpty("/api/v1/tasks/" + task + "/runs");
        int requests = 300;
        Statistics statistics = entityManagers.unwrap(SessionFactory.class).getStatistics();
        long transactionsBefore = statistics.getSuccessfulTransactionCount();
        long statementsBefore = statistics.getPrepareStatementCount();
        long start = System.nanoTime();

        for (int i = 0; i < requests; i++) {
            assertThat(api.postEmpty("/api/v1/tasks/" + task + "/runs").status()).isEqualTo(202);
        }

        double seconds = (System.nanoTime() - start) / 1e9;
        long transactions = statistics.getSuccessfulTransactionCount() - transactionsBefore;
        long statements = statistics.getPrepareStatementCount() - statementsBefore;
        log.info(String.format("Run Once: %d requests in %.2f s = %.0f/s; %.2f JPA transactions and %.1f JDBC"
                        + " statements per request (all of the service's, the outbox relay's included)", requests,
                seconds, requests / seconds, (double) transactions / requests, (double) statements / requests));
    }

    @Test
    void duplicatedAndOutOfOrderEventsOfOnePollFoldAsTheyWouldOneByOne() {
        UUID taskId = UUID.randomUUID();
        Instant t0 = Instant.now().truncatedTo(ChronoUnit.MILLIS);
        UUID inOrder = UUID.randomUUID();
        UUID finishedFirst = UUID.randomUUID();
        UUID failed = UUID.randomUUID();
        RunStateChanged q1 = changed(inOrder, taskId, null, RunState.QUEUED, t0, null, null, t0);
        RunStateChanged r1 = changed(inOrder, taskId, RunState.QUEUED, RunState.RUNNING, t0, t0.plusSeconds(1),
                null, t0.plusSeconds(1));
        RunStateChanged s1 = changed(inOrder, taskId, RunState.RUNNING, RunState.SUCCEEDED, t0, t0.plusSeconds(1),
                t0.plusSeconds(2), t0.plusSeconds(2));
        RunStateChanged q2 = changed(finishedFirst, taskId, null, RunState.QUEUED, t0, null, null, t0);
        RunStateChanged r2 = changed(finishedFirst, taskId, RunState.QUEUED, RunState.RUNNING, t0,
                t0.plusSeconds(1), null, t0.plusSeconds(1));
        RunStateChanged s2 = changed(finishedFirst, taskId, RunState.RUNNING, RunState.SUCCEEDED, t0,
                t0.plusSeconds(1), t0.plusSeconds(2), t0.plusSeconds(2));
        RunStateChanged q3 = changed(failed, taskId, null, RunState.QUEUED, t0, null, null, t0);
        RunStateChanged f3 = changed(failed, taskId, RunState.QUEUED, RunState.FAILED, t0, null, t0.plusSeconds(1),
                t0.plusSeconds(1));

        send(List.of(q1, r1, q1, s2, r1, s1, s1, q2, r2, q3, f3, q3, r1));
        await().atMost(Duration.ofSeconds(30)).until(() -> succeeded(List.of(taskId)) == 2
                && state(failed) == RunState.FAILED);

        assertThat(history(inOrder)).containsExactly("QUEUED", "RUNNING", "SUCCEEDED");
        // first seen finished: created SUCCEEDED; the late QUEUED and RUNNING move nothing back, yet are recorded
        assertThat(state(finishedFirst)).isEqualTo(RunState.SUCCEEDED);
        assertThat(history(finishedFirst)).containsExactly("QUEUED", "RUNNING", "SUCCEEDED");
        assertThat(history(failed)).containsExactly("QUEUED", "FAILED");
        assertThat(jdbc.queryForObject("SELECT started_at FROM task_run WHERE run_id = ?", OffsetDateTime.class,
                inOrder).toInstant()).isEqualTo(t0.plusSeconds(1));
    }

    @Test
    void aPoisonRecordAmongGoodOnesIsDeadLetteredWhileEveryGoodOneCommitsOnce() {
        UUID taskId = UUID.randomUUID();
        Instant t0 = Instant.now().truncatedTo(ChronoUnit.MILLIS);
        List<RunEvent> events = new ArrayList<>();
        List<UUID> runIds = new ArrayList<>();
        for (int i = 0; i < 60; i++) {
            UUID runId = UUID.randomUUID();
            runIds.add(runId);
            events.add(changed(runId, taskId, null, RunState.QUEUED, t0, null, null, t0));
            events.add(changed(runId, taskId, RunState.QUEUED, RunState.RUNNING, t0, t0.plusMillis(1), null,
                    t0.plusMillis(1)));
            events.add(changed(runId, taskId, RunState.RUNNING, RunState.SUCCEEDED, t0, t0.plusMillis(1),
                    t0.plusMillis(2), t0.plusMillis(2)));
        }
        String poison = "{\"type\":\"RunStateChanged\",\"runId\":\"not-a-uuid-" + UUID.randomUUID() + "\"}";
        List<String> values = new ArrayList<>(events.stream().map(Json::encode).toList());
        values.add(values.size() / 2, poison);

        // one key, one partition: the poison sits in the middle of what the listener reads in one poll
        values.forEach(value -> kafka.send(Topics.RUN_EVENTS, taskId.toString(), value));
        kafka.flush();
        await().atMost(Duration.ofSeconds(60)).until(() -> succeeded(List.of(taskId)) == runIds.size());

        TopicProbe.await(Topics.deadLetter(Topics.RUN_EVENTS), r -> poison.equals(r.value()));
        Map<String, Integer> perRun = jdbc.query("SELECT CAST(run_id AS VARCHAR) AS run, COUNT(*) AS n FROM"
                        + " task_run_history WHERE run_id IN (" + in(runIds) + ") GROUP BY run_id",
                (rs, i) -> Map.entry(rs.getString("run"), rs.getInt("n"))).stream()
                .collect(Collectors.toMap(Map.Entry::getKey, Map.Entry::getValue));
        assertThat(perRun).hasSize(runIds.size());
        assertThat(perRun.values()).containsOnly(3);
    }

    private void send(List<? extends RunEvent> events) {
        for (RunEvent event : events) {
            UUID key = event instanceof RunStateChanged changed ? changed.taskId() : null;
            kafka.send(Topics.RUN_EVENTS, String.valueOf(key), Json.encode(event));
        }
        kafka.flush();
    }

    private int succeeded(List<UUID> tasks) {
        return jdbc.queryForObject("SELECT COUNT(*) FROM task_run WHERE state = 'SUCCEEDED' AND task_id IN ("
                + in(tasks) + ")", Integer.class);
    }

    private RunState state(UUID runId) {
        List<String> states = jdbc.queryForList("SELECT state FROM task_run WHERE run_id = ?", String.class, runId);
        return states.isEmpty() ? null : RunState.valueOf(states.get(0));
    }

    private List<String> history(UUID runId) {
        return jdbc.queryForList("SELECT state FROM task_run_history WHERE run_id = ? AND kind = 'TRANSITION'"
                + " ORDER BY occurred_at, id", String.class, runId);
    }

    private long databaseCommits() {
        return jdbc.queryForObject("SELECT xact_commit FROM pg_stat_database WHERE datname = current_database()",
                Long.class);
    }

    private static String in(List<UUID> ids) {
        return ids.stream().map(id -> "'" + id + "'").collect(Collectors.joining(","));
    }

    private static RunStateChanged changed(UUID runId, UUID taskId, RunState from, RunState to, Instant queuedAt,
                                           Instant startedAt, Instant finishedAt, Instant at) {
        return new RunStateChanged(runId, taskId, "load", TriggerType.SCHEDULE, 1, null, from, to, to + " because",
                null, to == RunState.SUCCEEDED ? Map.<String, Object>of("n", 1) : null, "worker-1", 1, "scheduler", null, queuedAt,
                startedAt, finishedAt, at);
    }
}
