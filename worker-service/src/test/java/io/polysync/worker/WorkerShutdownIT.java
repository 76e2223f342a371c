package io.polysync.worker;

import io.polysync.model.Json;
import io.polysync.model.Topics;
import io.polysync.model.event.RunDispatched;
import io.polysync.model.event.RunFailed;
import io.polysync.model.event.RunStarted;
import io.polysync.model.event.WorkerReport;
import io.polysync.model.run.FailureReason;
import io.polysync.model.run.TriggerType;
import io.polysync.model.task.PlatformSnapshot;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.junit.jupiter.api.Test;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.kafka.core.KafkaTemplate;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * A worker stopped while a run executes: after the shutdown grace the run is interrupted, reported FAILED
 * WORKER_SHUTDOWN (retryable) and its offset committed, so no other worker executes it again.
 */
class WorkerShutdownIT {

    private static final String WORKER = "worker-shutdown-it";
    private static final String GROUP = "polysync-worker";

    @Test
    void aRunStillExecutingAfterTheGraceIsReportedFailedAsWorkerShutdownAndCommitted() throws Exception {
        String brokers = System.getProperty("spring.embedded.kafka.brokers");
        ConfigurableApplicationContext worker = new SpringApplicationBuilder(WorkerApplication.class)
                .properties("spring.config.name=" + WorkerApplication.CONFIG_NAME)
                // arguments, not default properties: those rank below the service's own configuration file
                .run("--spring.kafka.bootstrap-servers=" + brokers,
                        "--server.port=0",
                        "--polysync.worker.worker-id=" + WORKER,
                        "--polysync.worker.concurrency=2",
                        "--polysync.worker.heartbeat-interval=300ms",
                        "--polysync.worker.shutdown-grace=1s");
        try (KafkaConsumer<String, String> reports = reportReader(brokers)) {
            @SuppressWarnings("unchecked")
            KafkaTemplate<String, String> kafka = worker.getBean(KafkaTemplate.class);
            RunDispatched run = new RunDispatched(UUID.randomUUID(), UUID.randomUUID(), "long-one", 1,
                    TriggerType.MANUAL, "noop", new PlatformSnapshot(UUID.randomUUID(), "nowhere", "http", Map.of()),
                    Map.of("sleepMillis", 60_000), null, 50, 1, Instant.now());
            RecordMetadata sent = kafka.send(Topics.RUNS_NORMAL, run.runId().toString(), Json.encode(run)).get()
                    .getRecordMetadata();
            List<WorkerReport> seen = new ArrayList<>();
            await().atMost(Duration.ofSeconds(45)).pollInSameThread().until(() -> {
                collect(reports, run, seen);
                return seen.stream().anyMatch(RunStarted.class::isInstance);
            });

            long closing = System.nanoTime();
            worker.close();
            Duration closedIn = Duration.ofNanos(System.nanoTime() - closing);

            assertThat(closedIn).isBetween(Duration.ofMillis(900), Duration.ofSeconds(20));
            await().atMost(Duration.ofSeconds(15)).pollInSameThread().until(() -> {
                collect(reports, run, seen);
                return seen.stream().anyMatch(RunFailed.class::isInstance);
            });
            assertThat(seen.get(seen.size() - 1)).isInstanceOfSatisfying(RunFailed.class, failed -> {
                assertThat(failed.workerId()).isEqualTo(WORKER);
                assertThat(failed.error().reason()).isEqualTo(FailureReason.WORKER_SHUTDOWN);
                assertThat(failed.error().retryable()).isTrue();
            });
            TopicPartition partition = new TopicPartition(sent.topic(), sent.partition());
            try (Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, brokers))) {
                Map<TopicPartition, OffsetAndMetadata> committed =
                        admin.listConsumerGroupOffsets(GROUP).partitionsToOffsetAndMetadata().get();
                assertThat(committed.get(partition)).isNotNull();
                assertThat(committed.get(partition).offset()).isGreaterThan(sent.offset());
            }
        } finally {
            worker.close();
        }
    }

    private static KafkaConsumer<String, String> reportReader(String brokers) {
        KafkaConsumer<String, String> consumer = new KafkaConsumer<>(Map.of(
                ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, brokers,
                ConsumerConfig.GROUP_ID_CONFIG, "worker-shutdown-it-" + UUID.randomUUID(),
                ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest"),
                new StringDeserializer(), new StringDeserializer());
        consumer.subscribe(List.of(Topics.WORKER_REPORTS));
        return consumer;
    }

    private static void collect(KafkaConsumer<String, String> reports, RunDispatched run, List<WorkerReport> into) {
        for (ConsumerRecord<String, String> record : reports.poll(Duration.ofMillis(200))) {
            WorkerReport report = Json.decode(record.value(), WorkerReport.class);
            if (report.runId().equals(run.runId())) {
                into.add(report);
            }
        }
    }
}
