package io.polysync.worker;

import io.polysync.model.Json;
import io.polysync.model.Topics;
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
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.kafka.core.KafkaTemplate;
import org.springframework.test.annotation.DirtiesContext;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
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
        "polysync.worker.heartbeat-interval=300ms"})
class WorkerServiceIT {

    @DynamicPropertySource
    static void infrastructure(DynamicPropertyRegistry registry) {
        TestProperties.kafka(registry);
    }

    @Autowired
    private KafkaTemplate<String, String> kafka;

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

    private RunDispatched dispatch(Map<String, Object> parameters, Long executionTimeoutSeconds) {
        RunDispatched run = new RunDispatched(UUID.randomUUID(), UUID.randomUUID(), "it-task", 1, TriggerType.MANUAL,
                "noop", new PlatformSnapshot(UUID.randomUUID(), "nowhere", "http", Map.of("baseUrl", "http://localhost")),
                parameters, executionTimeoutSeconds, 50, 1, Instant.now());
        kafka.send(Topics.RUNS_NORMAL, run.runId().toString(), Json.encode(run)).join();
        return run;
    }

    /** This run's reports, in order, once a terminal one arrived. */
    private List<ConsumerRecord<String, String>> reportsUntilFinished(RunDispatched run) {
        List<ConsumerRecord<String, String>> found = new ArrayList<>();
        await().atMost(Duration.ofSeconds(45)).pollInSameThread().pollInterval(Duration.ofMillis(50)).until(() -> {
            for (ConsumerRecord<String, String> record : reports.poll(Duration.ofMillis(200))) {
                if (Json.decode(record.value(), WorkerReport.class).runId().equals(run.runId())) {
                    found.add(record);
                }
            }
            return found.stream().map(record -> Json.decode(record.value(), WorkerReport.class))
                    .anyMatch(report -> report instanceof RunSucceeded || report instanceof RunFailed);
        });
        return found;
    }

    private static List<WorkerReport> decode(List<ConsumerRecord<String, String>> records) {
        return records.stream().map(record -> Json.decode(record.value(), WorkerReport.class)).toList();
    }
}
