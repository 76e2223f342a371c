package io.polysync.worker;

import io.micrometer.core.instrument.MeterRegistry;
import io.polysync.model.Json;
import io.polysync.model.Topics;
import io.polysync.model.event.CancelRun;
import io.polysync.model.event.RunCancelled;
import io.polysync.model.event.RunDispatched;
import io.polysync.model.event.RunFailed;
import io.polysync.model.event.RunHeartbeat;
import io.polysync.model.event.RunStarted;
import io.polysync.model.event.RunSucceeded;
import io.polysync.model.event.WorkerReport;
import io.polysync.model.run.FailureReason;
import io.polysync.model.run.RunError;
import io.polysync.model.run.TriggerType;
import io.polysync.model.task.PlatformSnapshot;
import io.polysync.runtime.testing.TestProperties;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.ConsumerGroupDescription;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.common.GroupState;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.kafka.config.KafkaListenerEndpointRegistry;
import org.springframework.kafka.core.ConsumerFactory;
import org.springframework.kafka.core.KafkaTemplate;
import org.springframework.kafka.listener.MessageListenerContainer;
import org.springframework.test.annotation.DirtiesContext;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The worker against a real broker: runs in on a band topic, reports out on polysync.worker-reports. The context is
 * closed after the class so its consumers stop before the JVM-wide broker does.
 */
@DirtiesContext
@SpringBootTest(properties = {
        "spring.config.name=" + WorkerApplication.CONFIG_NAME,
        "polysync.worker.worker-id=worker-it",
        "polysync.worker.heartbeat-interval=300ms",
        "polysync.worker.concurrency=4"})
class WorkerServiceIT {

    @DynamicPropertySource
    static void infrastructure(DynamicPropertyRegistry registry) {
        TestProperties.kafka(registry);
    }

    private static final int CONCURRENCY = 4;

    @Autowired
    private KafkaTemplate<String, String> kafka;

    @Autowired
    private KafkaListenerEndpointRegistry listeners;

    @Autowired
    private MeterRegistry meters;

    @Autowired
    private ConsumerFactory<?, ?> consumerFactory;

    private KafkaConsumer<String, String> reports;

    @BeforeEach
    void readReports() {
        reports = new KafkaConsumer<>(Map.of(
                ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, System.getProperty("spring.embedded.kafka.brokers"),
                ConsumerConfig.GROUP_ID_CONFIG, "worker-it-" + UUID.randomUUID(),
                ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest"),
                new StringDeserializer(), new StringDeserializer());
        reports.subscribe(List.of(Topics.WORKER_REPORTS));
    }

    @AfterEach
    void closeReports() {
        reports.close();
    }

    @Test
    void theRunSlotsConsumersLetADeadWorkersBandPartitionsGoWithinTenSeconds() {
        Map<String, Object> config = consumerFactory.getConfigurationProperties();
        long session = Long.parseLong(String.valueOf(config.get(ConsumerConfig.SESSION_TIMEOUT_MS_CONFIG)));
        long heartbeat = Long.parseLong(String.valueOf(config.get(ConsumerConfig.HEARTBEAT_INTERVAL_MS_CONFIG)));

        assertThat(session).isEqualTo(10_000);
        assertThat(heartbeat * 3).isLessThan(session);
    }

    @Test
    void reportsStartedThenSucceededWithTheOutputsOfANoop() {
        RunDispatched run = dispatch(Map.of("outputs", Map.of("rows", 7, "table", "orders")), null);

        List<ConsumerRecord<String, String>> records = reportsUntilFinished(run);

        assertThat(records).allSatisfy(record -> assertThat(record.key()).isEqualTo(run.taskId().toString()));
        List<WorkerReport> decoded = decode(records);
        assertThat(decoded.get(0)).isInstanceOfSatisfying(RunStarted.class, started ->
                assertThat(started.workerId()).isEqualTo("worker-it"));
        assertThat(decoded.get(decoded.size() - 1)).isInstanceOfSatisfying(RunSucceeded.class, succeeded -> {
            assertThat(succeeded.workerId()).isEqualTo("worker-it");
            assertThat(succeeded.outputs()).isEqualTo(Map.of("rows", 7, "table", "orders"));
        });
    }

    @Test
    void metersExistFromStartUpAndMoveWithRunsAndDeadLetters() {
        assertThat(meters.find("polysync.worker.runs").counters()).hasSize(9 * 5)
                .allSatisfy(c -> assertThat(c.getId().getTag("service")).isEqualTo("worker-service"));
        assertThat(meters.find("polysync.worker.run.duration").timers()).hasSize(4 * 5);
        assertThat(meters.get("polysync.worker.slots.capacity").gauge().value()).isEqualTo(CONCURRENCY);
        assertThat(meters.get("polysync.worker.slots.busy").gauge().getId().getTag("service"))
                .isEqualTo("worker-service");
        assertThat(meters.find("polysync.worker.circuit.breakers").gauges()).hasSize(3);
        assertThat(meters.find("polysync.dlq.records").counters()).extracting(c -> c.getId().getTag("topic"))
                .contains(Topics.RUNS_HIGH, Topics.RUNS_NORMAL, Topics.RUNS_LOW, Topics.WORKER_COMMANDS);
        double succeeded = meters.get("polysync.worker.runs").tag("outcome", "succeeded").tag("job_type", "noop")
                .counter().count();
        double deadLetters = meters.get("polysync.dlq.records").tag("topic", Topics.RUNS_LOW).counter().count();

        reportsUntilFinished(dispatch(Map.of(), null));
        kafka.send(Topics.RUNS_LOW, "poison", "not a run").join();

        await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> {
            assertThat(meters.get("polysync.worker.runs").tag("outcome", "succeeded").tag("job_type", "noop")
                    .counter().count()).isEqualTo(succeeded + 1);
            assertThat(meters.get("polysync.dlq.records").tag("topic", Topics.RUNS_LOW).counter().count())
                    .isEqualTo(deadLetters + 1);
        });
        assertThat(meters.get("polysync.worker.run.duration").tag("outcome", "succeeded").tag("job_type", "noop")
                .timer().count()).isPositive();
    }

    @Test
    void reportsStartedThenFailedWithTheErrorOfAFailingNoop() {
        RunDispatched run = dispatch(Map.of("fail", true, "failMessage", "upstream said no", "retryable", false), null);

        List<WorkerReport> decoded = decode(reportsUntilFinished(run));

        assertThat(decoded.get(0)).isInstanceOf(RunStarted.class);
        assertThat(decoded.get(decoded.size() - 1)).isInstanceOfSatisfying(RunFailed.class, failed ->
                assertThat(failed.error()).isEqualTo(new RunError(FailureReason.NON_RETRYABLE, "upstream said no", false)));
    }

    @Test
    void reportsTimedOutWhenANoopSleepsPastItsExecutionTimeout() {
        RunDispatched run = dispatch(Map.of("sleepMillis", 30_000), 1L);

        List<WorkerReport> decoded = decode(reportsUntilFinished(run));

        assertThat(decoded.get(0)).isInstanceOf(RunStarted.class);
        WorkerReport last = decoded.get(decoded.size() - 1);
        assertThat(last).isInstanceOfSatisfying(RunFailed.class, failed -> {
            assertThat(failed.error().reason()).isEqualTo(FailureReason.TIMED_OUT);
            assertThat(failed.error().retryable()).isTrue();
        });
        assertThat(Duration.between(decoded.get(0).occurredAt(), last.occurredAt()))
                .isBetween(Duration.ofSeconds(1), Duration.ofSeconds(10));
        assertThat(decoded.subList(1, decoded.size() - 1)).isNotEmpty().allMatch(RunHeartbeat.class::isInstance);
    }

    @Test
    void highPriorityRunsStartAheadOfALowPriorityBacklogPublishedBeforeThem() {
        awaitEverySlotHoldsPartitions();
        List<RunDispatched> low = new ArrayList<>();
        for (int i = 0; i < 30; i++) {
            low.add(dispatch(Topics.RUNS_LOW, Map.of("sleepMillis", 100), null));
        }
        Map<UUID, Instant> published = new HashMap<>();
        List<RunDispatched> high = new ArrayList<>();
        for (int i = 0; i < 3; i++) {
            Instant before = Instant.now();
            RunDispatched run = dispatch(Topics.RUNS_HIGH, Map.of(), null);
            published.put(run.runId(), before);
            high.add(run);
        }
        Set<UUID> all = new HashSet<>();
        low.forEach(run -> all.add(run.runId()));
        high.forEach(run -> all.add(run.runId()));

        List<RunStarted> starts = startsUntilAllFinished(all);

        // a high run waits for the run in flight on the slot holding its partition (and, one time in ten, for one low
        // run the share grants); meanwhile the other slots, finishing together, start a low run each once or twice
        int bound = 2 * CONCURRENCY + 4;
        for (RunDispatched run : high) {
            Instant publishedAt = published.get(run.runId());
            RunStarted started = starts.stream().filter(start -> start.runId().equals(run.runId())).findFirst()
                    .orElseThrow();
            long startsInBetween = starts.stream().filter(start -> start.occurredAt().isAfter(publishedAt)
                    && start.occurredAt().isBefore(started.occurredAt())).count();
            assertThat(startsInBetween).as("starts between publishing high run and its start").isLessThanOrEqualTo(bound);
        }
        Set<UUID> highIds = new HashSet<>(published.keySet());
        int lastHigh = 0;
        for (int i = 0; i < starts.size(); i++) {
            if (highIds.contains(starts.get(i).runId())) {
                lastHigh = i;
            }
        }
        assertThat(starts.size() - 1 - lastHigh).as("low runs started after the last high one")
                .isGreaterThanOrEqualTo(low.size() / 3);
    }

    @Test
    void cancellingARunningRunThroughTheWorkerCommandsStopsItAndReportsCancelled() {
        MessageListenerContainer commands = listeners.getListenerContainer("polysync-worker-commands");
        await().atMost(Duration.ofSeconds(30)).until(() -> commands != null
                && commands.getAssignedPartitions() != null && !commands.getAssignedPartitions().isEmpty());
        RunDispatched run = dispatch(Map.of("sleepMillis", 10_000), null);
        List<ConsumerRecord<String, String>> found = new ArrayList<>();
        await().atMost(Duration.ofSeconds(30)).pollInSameThread().until(() -> {
            collect(run, found);
            return decode(found).stream().anyMatch(RunStarted.class::isInstance);
        });

        Instant cancelledAt = Instant.now();
        kafka.send(Topics.WORKER_COMMANDS, run.runId().toString(),
                Json.encode(new CancelRun(run.runId(), run.taskId(), "worker-it", cancelledAt))).join();

        List<WorkerReport> decoded = decode(reportsUntilFinished(run, found));
        WorkerReport last = decoded.get(decoded.size() - 1);
        assertThat(last).isInstanceOfSatisfying(RunCancelled.class, cancelled -> {
            assertThat(cancelled.workerId()).isEqualTo("worker-it");
            assertThat(cancelled.reason()).isEqualTo("cancelled on request");
        });
        assertThat(Duration.between(cancelledAt, last.occurredAt())).isLessThan(Duration.ofSeconds(5));
        assertThat(decoded).noneMatch(report -> report instanceof RunSucceeded || report instanceof RunFailed);
    }

    @Test
    void aCancelAddressedToAnotherWorkerLeavesTheRunExecutingHere() {
        // the dispatcher stops a worker whose start it rejected (a repeated delivery) with a cancel addressed to
        // that worker; the claim holder executing the same run must not stop
        MessageListenerContainer commands = listeners.getListenerContainer("polysync-worker-commands");
        await().atMost(Duration.ofSeconds(30)).until(() -> commands != null
                && commands.getAssignedPartitions() != null && !commands.getAssignedPartitions().isEmpty());
        RunDispatched run = dispatch(Map.of("sleepMillis", 3_000), null);
        List<ConsumerRecord<String, String>> found = new ArrayList<>();
        await().atMost(Duration.ofSeconds(30)).pollInSameThread().until(() -> {
            collect(run, found);
            return decode(found).stream().anyMatch(RunStarted.class::isInstance);
        });

        kafka.send(Topics.WORKER_COMMANDS, run.runId().toString(),
                Json.encode(new CancelRun(run.runId(), run.taskId(), "another-worker", Instant.now()))).join();

        List<WorkerReport> decoded = decode(reportsUntilFinished(run, found));
        assertThat(decoded.get(decoded.size() - 1)).isInstanceOf(RunSucceeded.class);
        assertThat(decoded).noneMatch(RunCancelled.class::isInstance);
    }

    @Test
    void anUndecodableRunGoesToTheDeadLetterTopicAndTheRunsBehindItStillExecute() {
        String key = "garbage-" + UUID.randomUUID();
        kafka.send(Topics.RUNS_NORMAL, key, "{not a run").join();
        RunDispatched run = dispatch(Map.of(), null);

        try (KafkaConsumer<String, String> deadLetters = new KafkaConsumer<>(Map.of(
                ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, System.getProperty("spring.embedded.kafka.brokers"),
                ConsumerConfig.GROUP_ID_CONFIG, "worker-it-dlq-" + UUID.randomUUID(),
                ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest"),
                new StringDeserializer(), new StringDeserializer())) {
            deadLetters.subscribe(List.of(Topics.deadLetter(Topics.RUNS_NORMAL)));
            List<String> values = new ArrayList<>();
            await().atMost(Duration.ofSeconds(30)).pollInSameThread().until(() -> {
                deadLetters.poll(Duration.ofMillis(200)).forEach(record -> {
                    if (key.equals(record.key())) {
                        values.add(record.value());
                    }
                });
                return !values.isEmpty();
            });
            assertThat(values).containsExactly("{not a run");
        }
        assertThat(decode(reportsUntilFinished(run))).last().isInstanceOf(RunSucceeded.class);
    }

    @Test
    void aRunDispatchedTwiceHasItsJobExecutedOnce() {
        double succeeded = meters.get("polysync.worker.runs").tag("outcome", "succeeded").tag("job_type", "noop")
                .counter().count();
        // what an outbox does when the broker went away before acknowledging its send: it sends the record again
        RunDispatched twice = dispatch(Map.of(), null);
        RunDispatched after = new RunDispatched(UUID.randomUUID(), twice.taskId(), "it-task", 1, TriggerType.MANUAL,
                "noop", twice.platform(), Map.of(), null, 50, 1, Instant.now());

        kafka.send(Topics.RUNS_NORMAL, twice.runId().toString(), Json.encode(twice)).join();
        // same key, so same partition: taken only after both deliveries of the first
        kafka.send(Topics.RUNS_NORMAL, twice.runId().toString(), Json.encode(after)).join();
        // the second run is behind both deliveries of the first: once it reported, the duplicate was handled
        startsUntilAllFinished(Set.of(twice.runId(), after.runId()));

        assertThat(meters.get("polysync.worker.runs").tag("outcome", "succeeded").tag("job_type", "noop")
                .counter().count()).isEqualTo(succeeded + 2);
    }

    /** Slots join the group one after another; measured ordering needs the group settled with all of them. */
    private static void awaitEverySlotHoldsPartitions() {
        try (Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG,
                System.getProperty("spring.embedded.kafka.brokers")))) {
            await().atMost(Duration.ofSeconds(30)).until(() -> {
                ConsumerGroupDescription group = admin.describeConsumerGroups(List.of("polysync-worker"))
                        .describedGroups().get("polysync-worker").get();
                return group.groupState() == GroupState.STABLE && group.members().size() == CONCURRENCY
                        && group.members().stream().allMatch(member -> !member.assignment().topicPartitions().isEmpty());
            });
        }
    }

    private RunDispatched dispatch(Map<String, Object> parameters, Long executionTimeoutSeconds) {
        return dispatch(Topics.RUNS_NORMAL, parameters, executionTimeoutSeconds);
    }

    private RunDispatched dispatch(String topic, Map<String, Object> parameters, Long executionTimeoutSeconds) {
        RunDispatched run = new RunDispatched(UUID.randomUUID(), UUID.randomUUID(), "it-task", 1, TriggerType.MANUAL,
                "noop", new PlatformSnapshot(UUID.randomUUID(), "nowhere", "http", Map.of("baseUrl", "http://localhost")),
                parameters, executionTimeoutSeconds, 50, 1, Instant.now());
        kafka.send(topic, run.runId().toString(), Json.encode(run)).join();
        return run;
    }

    /** The start reports of these runs in the order they started, once every run reported an outcome. */
    private List<RunStarted> startsUntilAllFinished(Set<UUID> runs) {
        List<WorkerReport> seen = new ArrayList<>();
        Set<UUID> finished = new HashSet<>();
        await().atMost(Duration.ofSeconds(60)).pollInSameThread().pollInterval(Duration.ofMillis(50)).until(() -> {
            for (ConsumerRecord<String, String> record : reports.poll(Duration.ofMillis(200))) {
                WorkerReport report = Json.decode(record.value(), WorkerReport.class);
                if (runs.contains(report.runId())) {
                    seen.add(report);
                    if (terminal(report)) {
                        finished.add(report.runId());
                    }
                }
            }
            return finished.containsAll(runs);
        });
        return seen.stream().filter(RunStarted.class::isInstance).map(RunStarted.class::cast)
                .sorted(Comparator.comparing(RunStarted::occurredAt)).toList();
    }

    private void collect(RunDispatched run, List<ConsumerRecord<String, String>> into) {
        for (ConsumerRecord<String, String> record : reports.poll(Duration.ofMillis(200))) {
            if (Json.decode(record.value(), WorkerReport.class).runId().equals(run.runId())) {
                into.add(record);
            }
        }
    }

    private static boolean terminal(WorkerReport report) {
        return report instanceof RunSucceeded || report instanceof RunFailed || report instanceof RunCancelled;
    }

    /** This run's reports, in order, once a terminal one arrived. */
    private List<ConsumerRecord<String, String>> reportsUntilFinished(RunDispatched run) {
        return reportsUntilFinished(run, new ArrayList<>());
    }

    private List<ConsumerRecord<String, String>> reportsUntilFinished(RunDispatched run,
                                                                     List<ConsumerRecord<String, String>> found) {
        await().atMost(Duration.ofSeconds(45)).pollInSameThread().pollInterval(Duration.ofMillis(50)).until(() -> {
            collect(run, found);
            return found.stream().map(record -> Json.decode(record.value(), WorkerReport.class))
                    .anyMatch(WorkerServiceIT::terminal);
        });
        return found;
    }

    private static List<WorkerReport> decode(List<ConsumerRecord<String, String>> records) {
        return records.stream().map(record -> Json.decode(record.value(), WorkerReport.class)).toList();
    }
}
