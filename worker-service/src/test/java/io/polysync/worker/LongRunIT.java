package io.polysync.worker;

import io.polysync.model.Json;
import io.polysync.model.Topics;
import io.polysync.model.event.RunCancelled;
import io.polysync.model.event.RunDispatched;
import io.polysync.model.event.RunFailed;
import io.polysync.model.event.RunStarted;
import io.polysync.model.event.RunSucceeded;
import io.polysync.model.event.WorkerReport;
import io.polysync.model.run.TriggerType;
import io.polysync.model.task.PlatformSnapshot;
import io.polysync.runtime.testing.TestProperties;
import io.polysync.runtime.testing.TopicProbe;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.TopicPartition;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.kafka.core.ConsumerFactory;
import org.springframework.kafka.core.KafkaTemplate;
import org.springframework.test.annotation.DirtiesContext;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * A run that lasts three times the consumers' max.poll.interval.ms: its slot keeps polling while it executes, so the
 * run is neither taken from the slot nor delivered to another one, and it is executed exactly once. The context is
 * closed after the class so its consumers stop before the JVM-wide broker does.
 */
@DirtiesContext
@SpringBootTest(properties = {
        "spring.config.name=" + WorkerApplication.CONFIG_NAME,
        "polysync.worker.worker-id=worker-long-run-it",
        "polysync.worker.heartbeat-interval=300ms",
        // a second slot is there to take the partition over, as another worker would
        "polysync.worker.concurrency=2",
        "spring.kafka.consumer.properties.max.poll.interval.ms=3000",
        // a member learns of a rebalance from a heartbeat response, and is dropped from the group if it has not
        // rejoined within max.poll.interval.ms: with the worker's 3 s heartbeat, as long as that interval, the slot
        // that executes the run was dropped now and then when the second slot joined, and the run executed twice
        "spring.kafka.consumer.properties.heartbeat.interval.ms=500"})
class LongRunIT {

    private static final String GROUP = "polysync-worker";
    private static final long MAX_POLL_INTERVAL_MS = 3_000;

    @DynamicPropertySource
    static void infrastructure(DynamicPropertyRegistry registry) {
        TestProperties.kafka(registry);
    }

    @Autowired
    private KafkaTemplate<String, String> kafka;

    @Autowired
    private ConsumerFactory<?, ?> consumerFactory;

    @Test
    void theRunSlotsConsumersTakeTheShortPollInterval() {
        // RunSlots creates its consumers from this factory, adding only max.poll.records, auto-commit and fetch wait
        assertThat(String.valueOf(consumerFactory.getConfigurationProperties()
                .get(ConsumerConfig.MAX_POLL_INTERVAL_MS_CONFIG))).isEqualTo(Long.toString(MAX_POLL_INTERVAL_MS));
        assertThat(String.valueOf(consumerFactory.getConfigurationProperties()
                .get(ConsumerConfig.HEARTBEAT_INTERVAL_MS_CONFIG))).isEqualTo("500");
    }

    @Test
    void aRunLongerThanTheMaxPollIntervalIsExecutedOnceAndCommitted() throws Exception {
        RunDispatched run = new RunDispatched(UUID.randomUUID(), UUID.randomUUID(), "long-run-it", 1,
                TriggerType.MANUAL, "noop", new PlatformSnapshot(UUID.randomUUID(), "nowhere", "http", Map.of()),
                Map.of("sleepMillis", 3 * MAX_POLL_INTERVAL_MS), null, 50, 1, Instant.now());
        String key = run.runId().toString();

        try (TopicProbe reports = new TopicProbe(Topics.WORKER_REPORTS)) {
            RecordMetadata sent = kafka.send(Topics.RUNS_NORMAL, key, Json.encode(run)).get().getRecordMetadata();

            await().atMost(Duration.ofSeconds(45)).pollInterval(Duration.ofMillis(100))
                    .until(() -> terminal(reports, run), found -> !found.isEmpty());
            // a second delivery would start well within this, as the other slot is idle
            await().during(Duration.ofSeconds(6)).atMost(Duration.ofSeconds(10)).pollInterval(Duration.ofMillis(200))
                    .until(() -> starts(reports, run).size() == 1 && terminal(reports, run).size() == 1);

            assertThat(starts(reports, run)).singleElement()
                    .satisfies(started -> assertThat(started.workerId()).isEqualTo("worker-long-run-it"));
            assertThat(terminal(reports, run)).singleElement().isInstanceOf(RunSucceeded.class);
            TopicPartition partition = new TopicPartition(sent.topic(), sent.partition());
            try (Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG,
                    System.getProperty("spring.embedded.kafka.brokers")))) {
                await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> {
                    OffsetAndMetadata committed = admin.listConsumerGroupOffsets(GROUP)
                            .partitionsToOffsetAndMetadata().get().get(partition);
                    assertThat(committed).isNotNull();
                    assertThat(committed.offset()).isGreaterThan(sent.offset());
                });
            }
        }
    }

    private static List<RunStarted> starts(TopicProbe reports, RunDispatched run) {
        return reports.seen(run.taskId().toString(), WorkerReport.class, report -> report.runId().equals(run.runId()))
                .stream().filter(RunStarted.class::isInstance).map(RunStarted.class::cast).toList();
    }

    private static List<WorkerReport> terminal(TopicProbe reports, RunDispatched run) {
        return reports.seen(run.taskId().toString(), WorkerReport.class, report -> report.runId().equals(run.runId()))
                .stream().filter(report -> report instanceof RunSucceeded || report instanceof RunFailed
                        || report instanceof RunCancelled).toList();
    }
}
