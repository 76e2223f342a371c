package io.polysync.dispatcher;

import io.polysync.dispatcher.ledger.LeaseReaper;
import io.polysync.dispatcher.support.DispatcherIntegrationTest;
import io.polysync.model.Json;
import io.polysync.model.Topics;
import io.polysync.model.event.RunStarted;
import io.polysync.model.event.RunSucceeded;
import io.polysync.model.event.TriggerRequested;
import io.polysync.model.task.TaskSnapshot;
import org.junit.jupiter.api.Test;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.logging.LogLevel;
import org.springframework.boot.logging.LoggingSystem;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.transaction.ConfigurableTransactionManager;
import org.springframework.transaction.PlatformTransactionManager;
import org.springframework.transaction.TransactionExecution;
import org.springframework.transaction.TransactionExecutionListener;

import java.lang.management.ManagementFactory;
import java.lang.management.ThreadInfo;
import java.lang.management.ThreadMXBean;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.Collectors;

import static io.polysync.dispatcher.support.Fixtures.aTask;
import static io.polysync.dispatcher.support.Fixtures.aTriggerOf;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The hot path under load: thousands of triggers, duplicates and a poison record among them, then the reports that
 * start and finish every run. Asserts that every trigger made exactly one run with its complete history; throughput
 * and transactions per run are printed, not asserted (performance targets live in the benchmarks).
 */
class HotPathThroughputIT extends DispatcherIntegrationTest {

    private static final Logger log = LoggerFactory.getLogger(HotPathThroughputIT.class);
    private static final int RUNS = 5_000;
    private static final int TASKS = 12;
    private static final int DUPLICATES = 200;
    private static final String LISTENER_THREADS = "org.springframework.kafka.KafkaListenerEndpointContainer";

    @Autowired
    private JdbcTemplate jdbc;

    @Autowired
    private PlatformTransactionManager transactions;

    @Autowired
    private LeaseReaper reaper;

    @Test
    void everyTriggerMakesOneRunThatSucceedsWithItsHistory() {
        // the shared context's leases are seconds long, shorter than queueing thousands of runs before any starts
        reaper.stop();
        // the CPU measured is the hot path's as in production, not the shared context's debug logging of every run
        LoggingSystem logging = LoggingSystem.get(getClass().getClassLoader());
        logging.setLogLevel("io.polysync", LogLevel.INFO);
        try {
            loadAndCheck();
        } finally {
            logging.setLogLevel("io.polysync", LogLevel.DEBUG);
            reaper.start();
        }
    }

    private void loadAndCheck() {
        AtomicLong commits = new AtomicLong();
        ((ConfigurableTransactionManager) transactions).addListener(new TransactionExecutionListener() {
            @Override
            public void afterCommit(TransactionExecution transaction, Throwable commitFailure) {
                if (commitFailure == null) {
                    commits.incrementAndGet();
                }
            }
        });
        List<TaskSnapshot> tasks = new ArrayList<>();
        for (int i = 0; i < TASKS; i++) {
            TaskSnapshot task = aTask().build();
            tasks.add(task);
            publishDefinition(task);
        }
        List<TriggerRequested> warmUp = tasks.stream().map(t -> aTriggerOf(t, "warm-up").build()).toList();
        warmUp.forEach(this::publishTrigger);
        await().atMost(Duration.ofSeconds(60)).until(() -> runsOf(tasks) == TASKS);

        List<TriggerRequested> triggers = new ArrayList<>(RUNS);
        for (int i = 0; i < RUNS; i++) {
            triggers.add(aTriggerOf(tasks.get(i % TASKS), "load-" + i).build());
        }
        String poisonKey = tasks.get(0).taskId().toString();
        long commitsBefore = commits.get();
        long xactBefore = xactCommits();
        Map<Long, Long> cpuAtStart = listenerCpu();
        long started = System.nanoTime();
        for (int i = 0; i < RUNS; i++) {
            TriggerRequested trigger = triggers.get(i);
            kafka.send(Topics.TRIGGERS, trigger.taskId().toString(), Json.encode(trigger));
            if (i % (RUNS / DUPLICATES) == 0) {
                kafka.send(Topics.TRIGGERS, trigger.taskId().toString(), Json.encode(trigger));
            }
            if (i == RUNS / 2) {
                kafka.send(Topics.TRIGGERS, poisonKey, "{\"poison\": " + i);
            }
        }
        kafka.flush();
        await().atMost(Duration.ofMinutes(5)).pollInterval(Duration.ofMillis(50))
                .until(() -> runsOf(tasks) == TASKS + RUNS);
        long queued = System.nanoTime();
        Map<Long, Long> cpuQueued = listenerCpu();

        for (TriggerRequested trigger : triggers) {
            kafka.send(Topics.WORKER_REPORTS, trigger.taskId().toString(), Json.encode(
                    new RunStarted(trigger.runId(), trigger.taskId(), "w-load", Instant.now())));
            kafka.send(Topics.WORKER_REPORTS, trigger.taskId().toString(), Json.encode(
                    new RunSucceeded(trigger.runId(), trigger.taskId(), "w-load", Map.of("ok", true),
                            Instant.now())));
        }
        kafka.flush();
        await().atMost(Duration.ofMinutes(5)).pollInterval(Duration.ofMillis(50))
                .until(() -> succeededOf(tasks) == RUNS);
        long finished = System.nanoTime();
        Map<Long, Long> cpuFinished = listenerCpu();
        await().atMost(Duration.ofMinutes(2)).pollInterval(Duration.ofMillis(50))
                .until(() -> jdbc.queryForObject("SELECT COUNT(*) FROM outbox", Long.class) == 0);
        long published = System.nanoTime();
        long commitsDuring = commits.get() - commitsBefore;
        long xactDuring = xactCommits() - xactBefore;

        log.info("hot path: {} triggers queued in {} ms ({} runs/s); {} runs started and succeeded in {} ms"
                        + " ({} runs/s); outbox drained {} ms later; overall {} runs/s; {} transactions committed"
                        + " by this dispatcher ({} per run); pg_stat_database xact_commit delta {} ({} per run,"
                        + " includes every other client of the database)",
                RUNS, millis(started, queued), rate(started, queued), RUNS, millis(queued, finished),
                rate(queued, finished), millis(finished, published), rate(started, published), commitsDuring,
                String.format("%.2f", (double) commitsDuring / RUNS), xactDuring,
                String.format("%.2f", (double) xactDuring / RUNS));
        log.info("hot path CPU of the dispatcher's listener threads: {} ms per 1000 runs queued, {} ms per 1000 runs"
                        + " started and succeeded", cpuPerThousand(cpuAtStart, cpuQueued),
                cpuPerThousand(cpuQueued, cpuFinished));

        probe(Topics.deadLetter(Topics.TRIGGERS)).awaitOne(r -> r.value() != null
                && r.value().startsWith("{\"poison\": " + RUNS / 2));
        List<UUID> runIds = triggers.stream().map(TriggerRequested::runId).toList();
        assertThat(runs.findAllById(runIds)).hasSize(RUNS);
        Map<String, Long> transitions = jdbc.query("SELECT h.state, COUNT(*) FROM status_history h"
                        + " JOIN task_run r ON r.run_id = h.run_id WHERE h.kind = 'TRANSITION' AND r.task_id IN ("
                        + taskIdList(tasks) + ") AND r.run_id NOT IN (" + runIdList(warmUp) + ") GROUP BY h.state",
                (rs, i) -> Map.entry(rs.getString(1), rs.getLong(2))).stream()
                .collect(Collectors.toMap(Map.Entry::getKey, Map.Entry::getValue));
        assertThat(transitions).containsExactlyInAnyOrderEntriesOf(Map.of(
                "QUEUED", (long) RUNS, "RUNNING", (long) RUNS, "SUCCEEDED", (long) RUNS));
        Long runsWithOrderedHistory = jdbc.queryForObject("SELECT COUNT(*) FROM task_run r WHERE r.task_id IN ("
                + taskIdList(tasks) + ") AND r.state = 'SUCCEEDED' AND (SELECT STRING_AGG(h.state, ',' ORDER BY h.id)"
                + " FROM status_history h WHERE h.run_id = r.run_id AND h.kind = 'TRANSITION')"
                + " = 'QUEUED,RUNNING,SUCCEEDED'", Long.class);
        assertThat(runsWithOrderedHistory).isEqualTo(RUNS);
        Long dispatchNotes = jdbc.queryForObject("SELECT COUNT(*) FROM status_history h JOIN task_run r"
                + " ON r.run_id = h.run_id WHERE h.kind = 'NOTE' AND h.reason LIKE 'dispatched to %' AND r.task_id IN ("
                + taskIdList(tasks) + ")", Long.class);
        assertThat(dispatchNotes).isEqualTo(TASKS + RUNS);
    }

    /** CPU time so far of each Kafka listener thread, by thread id: the threads that run the hot path. */
    private static Map<Long, Long> listenerCpu() {
        ThreadMXBean threads = ManagementFactory.getThreadMXBean();
        Map<Long, Long> cpu = new HashMap<>();
        for (ThreadInfo thread : threads.getThreadInfo(threads.getAllThreadIds())) {
            if (thread != null && thread.getThreadName().startsWith(LISTENER_THREADS)) {
                cpu.put(thread.getThreadId(), threads.getThreadCpuTime(thread.getThreadId()));
            }
        }
        return cpu;
    }

    private static String cpuPerThousand(Map<Long, Long> from, Map<Long, Long> to) {
        long nanos = to.entrySet().stream()
                .mapToLong(e -> Math.max(0, e.getValue() - from.getOrDefault(e.getKey(), 0L))).sum();
        return String.format("%.0f", nanos / 1e6 * 1000 / RUNS);
    }

    private long runsOf(List<TaskSnapshot> tasks) {
        return jdbc.queryForObject("SELECT COUNT(*) FROM task_run WHERE task_id IN (" + taskIdList(tasks) + ")",
                Long.class);
    }

    private long succeededOf(List<TaskSnapshot> tasks) {
        return jdbc.queryForObject("SELECT COUNT(*) FROM task_run WHERE state = 'SUCCEEDED' AND task_id IN ("
                + taskIdList(tasks) + ")", Long.class);
    }

    private long xactCommits() {
        return jdbc.queryForObject("SELECT xact_commit FROM pg_stat_database WHERE datname = current_database()",
                Long.class);
    }

    private static String taskIdList(List<TaskSnapshot> tasks) {
        return tasks.stream().map(t -> "'" + t.taskId() + "'").collect(Collectors.joining(","));
    }

    private static String runIdList(List<TriggerRequested> triggers) {
        return triggers.stream().map(t -> "'" + t.runId() + "'").collect(Collectors.joining(","));
    }

    private static long millis(long from, long to) {
        return (to - from) / 1_000_000;
    }

    private static long rate(long from, long to) {
        return Math.round(RUNS / ((to - from) / 1e9));
    }
}
