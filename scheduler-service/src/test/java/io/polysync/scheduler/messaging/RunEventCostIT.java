package io.polysync.scheduler.messaging;

import io.polysync.model.Json;
import io.polysync.model.Topics;
import io.polysync.model.event.RetryScheduled;
import io.polysync.model.event.RunEvent;
import io.polysync.model.event.RunStateChanged;
import io.polysync.model.event.TriggerRequested;
import io.polysync.model.id.Ids;
import io.polysync.model.run.FailureReason;
import io.polysync.model.run.RunError;
import io.polysync.model.run.RunState;
import io.polysync.model.run.TriggerType;
import io.polysync.model.task.Backoff;
import io.polysync.model.task.DependencySnapshot;
import io.polysync.model.task.OutputMapping;
import io.polysync.model.task.RetryPolicy;
import io.polysync.scheduler.support.SchedulerIntegrationTest;
import io.polysync.scheduler.support.Tasks;
import jakarta.persistence.EntityManagerFactory;
import org.apache.kafka.common.utils.Utils;
import org.hibernate.SessionFactory;
import org.hibernate.stat.Statistics;
import org.junit.jupiter.api.Test;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.annotation.Autowired;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import static io.polysync.scheduler.support.Tasks.task;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The scheduler under a stream of run events, most of which concern it not at all (QUEUED and RUNNING, successes of
 * tasks nothing depends on): what it costs (printed, not asserted: DESIGN.md section 10 rule 24), and that fan-in and
 * retries hidden among them still work exactly, duplicates included.
 */
class RunEventCostIT extends SchedulerIntegrationTest {

    private static final Logger log = LoggerFactory.getLogger(RunEventCostIT.class);
    private static final Instant T0 = Instant.parse("2026-11-28T12:00:00Z");

    @Autowired
    private EntityManagerFactory entityManagers;

    @Test
    void fanInAndRetriesWorkAmongFifteenThousandRunEventsAndTheCostIsPrinted() {
        UUID left = UUID.randomUUID();
        // the parents share a partition, so their successes are consumed in the order they are sent
        UUID right = onePartitionWith(left);
        UUID child = UUID.randomUUID();
        UUID flaky = UUID.randomUUID();
        define(task(left, 1, List.of(), null));
        define(task(right, 1, List.of(), null));
        define(task(child, 1, List.of(new DependencySnapshot(left, "task-" + left, List.of(new OutputMapping("l",
                "l"))), new DependencySnapshot(right, "task-" + right, List.of(new OutputMapping("r", "r")))), null));
        define(task(flaky, 1, List.of(), new RetryPolicy(true, 3, Backoff.FIXED, 600, null, false)));
        await().atMost(Duration.ofSeconds(30)).until(() -> count("SELECT COUNT(*) FROM dependency_edge WHERE"
                + " child_task_id = ?", child) == 2 && count("SELECT COUNT(*) FROM task_view WHERE task_id = ?",
                flaky) == 1);

        List<UUID> plain = new ArrayList<>();
        for (int i = 0; i < 10; i++) {
            plain.add(UUID.randomUUID());
        }
        int runs = 5_000;
        UUID left1 = UUID.randomUUID();
        UUID left2 = UUID.randomUUID();
        UUID right1 = UUID.randomUUID();
        UUID right2 = UUID.randomUUID();
        UUID failedRun = UUID.randomUUID();
        Statistics statistics = entityManagers.unwrap(SessionFactory.class).getStatistics();
        long transactionsBefore = statistics.getSuccessfulTransactionCount();
        long commitsBefore = databaseCommits();
        long start = System.nanoTime();

        for (int i = 0; i < runs; i++) {
            UUID taskId = plain.get(i % plain.size());
            UUID runId = UUID.randomUUID();
            Instant at = T0.plusMillis(i);
            publish(taskId, lifecycle(taskId, runId, RunState.QUEUED, at));
            publish(taskId, lifecycle(taskId, runId, RunState.RUNNING, at));
            publish(taskId, Tasks.succeeded(taskId, runId, at, Map.of("i", i)));
            if (i == runs / 4) {
                // each parent success is consumed once: two rounds, each parent's duplicate between them
                publish(left, Tasks.succeeded(left, left1, T0.plusSeconds(1), Map.of("l", 1)));
                publish(right, Tasks.succeeded(right, right1, T0.plusSeconds(2), Map.of("r", 1)));
                publish(left, Tasks.succeeded(left, left1, T0.plusSeconds(1), Map.of("l", 1)));
                publish(left, Tasks.succeeded(left, left2, T0.plusSeconds(3), Map.of("l", 2)));
                publish(right, Tasks.succeeded(right, right1, T0.plusSeconds(2), Map.of("r", 1)));
                publish(right, Tasks.succeeded(right, right2, T0.plusSeconds(4), Map.of("r", 2)));
            }
            if (i == runs / 2) {
                String failure = Tasks.failed(flaky, failedRun, 1,
                        RunError.retryable(FailureReason.EXECUTION_FAILED, "exit 1"), 1, T0.plusSeconds(5));
                publish(flaky, failure);
                publish(flaky, failure);
            }
        }
        kafka.flush();
        Instant lastFinished = T0.plusMillis(runs - 1);
        await().atMost(Duration.ofMinutes(5)).pollInterval(Duration.ofMillis(100)).until(() -> plain.stream()
                .allMatch(taskId -> latestSuccess(taskId) != null
                        && !latestSuccess(taskId).isBefore(lastFinished.minusMillis(plain.size() - 1))));

        double seconds = (System.nanoTime() - start) / 1e9;
        long transactions = statistics.getSuccessfulTransactionCount() - transactionsBefore;
        long commits = databaseCommits() - commitsBefore;
        int events = runs * 3;
        log.info(String.format("scheduler: %d run events (%d runs) consumed in %.2f s = %.0f events/s; %d JPA"
                        + " transactions (%.4f per event, the scheduler's timers included); PostgreSQL xact_commit"
                        + " delta %d (%.3f per event, database-wide: includes every other client of the database)",
                events, runs, seconds, events / seconds, transactions, (double) transactions / events, commits,
                (double) commits / events));

        List<TriggerRequested> triggers = probe(Topics.TRIGGERS).await(2, child.toString(), TriggerRequested.class,
                t -> true);
        assertThat(triggers).extracting(TriggerRequested::triggerId).containsExactly(
                Ids.triggerId(child, TriggerType.DEPENDENCY, right1.toString()),
                Ids.triggerId(child, TriggerType.DEPENDENCY, right2.toString()));
        assertThat(triggers).extracting(TriggerRequested::mappedInputs)
                .containsExactly(Map.of("l", 1, "r", 1), Map.of("l", 2, "r", 2));
        await().atMost(Duration.ofSeconds(30)).until(() -> count("SELECT COUNT(*) FROM pending_retry WHERE"
                + " failed_run_id = ?", failedRun) == 1);
        RetryScheduled announced = (RetryScheduled) probe(Topics.RUN_EVENTS).await(1, flaky.toString(),
                RunEvent.class, e -> announces(e, failedRun)).get(0);
        assertThat(announced.attempt()).isEqualTo(2);
        assertThat(announced.dueAt()).isEqualTo(T0.plusSeconds(5 + 600));
        await().during(Duration.ofSeconds(1)).atMost(Duration.ofSeconds(3)).until(() ->
                probe(Topics.TRIGGERS).seen(child.toString(), TriggerRequested.class, t -> true).size() == 2
                        && probe(Topics.RUN_EVENTS).seen(flaky.toString(), RunEvent.class,
                        e -> announces(e, failedRun)).size() == 1);
    }

    private static boolean announces(RunEvent event, UUID failedRun) {
        return event instanceof RetryScheduled retry && retry.runId().equals(failedRun);
    }

    private UUID onePartitionWith(UUID taskId) {
        int partitions = kafka.partitionsFor(Topics.RUN_EVENTS).size();
        while (true) {
            UUID candidate = UUID.randomUUID();
            if (partition(candidate, partitions) == partition(taskId, partitions)) {
                return candidate;
            }
        }
    }

    private static int partition(UUID key, int partitions) {
        return Utils.toPositive(Utils.murmur2(key.toString().getBytes(StandardCharsets.UTF_8))) % partitions;
    }

    private void publish(UUID taskId, String value) {
        kafka.send(Topics.RUN_EVENTS, taskId.toString(), value);
    }

    private static String lifecycle(UUID taskId, UUID runId, RunState state, Instant at) {
        return Json.encode(new RunStateChanged(runId, taskId, "task-" + taskId, TriggerType.SCHEDULE, 1, null,
                state == RunState.QUEUED ? null : RunState.QUEUED, state, "load", null, null, "w-1", 1, "scheduler",
                null, at, state == RunState.RUNNING ? at : null, null, at));
    }

    private Instant latestSuccess(UUID taskId) {
        List<OffsetDateTime> found = jdbc.queryForList("SELECT finished_at FROM last_success WHERE task_id = ?",
                OffsetDateTime.class, taskId);
        return found.isEmpty() ? null : found.get(0).toInstant();
    }

    private long count(String sql, Object... args) {
        Long count = jdbc.queryForObject(sql, Long.class, args);
        return count == null ? 0 : count;
    }

    private long databaseCommits() {
        return jdbc.queryForObject("SELECT xact_commit FROM pg_stat_database WHERE datname = current_database()",
                Long.class);
    }
}
