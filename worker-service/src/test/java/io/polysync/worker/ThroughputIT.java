package io.polysync.worker;

import io.polysync.model.Json;
import io.polysync.model.Topics;
import io.polysync.model.event.RunDispatched;
import io.polysync.model.event.RunStarted;
import io.polysync.model.event.RunSucceeded;
import io.polysync.model.event.WorkerReport;
import io.polysync.model.run.TriggerType;
import io.polysync.model.task.PlatformSnapshot;
import io.polysync.runtime.testing.TestProperties;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.PartitionInfo;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.junit.jupiter.api.Test;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.kafka.core.KafkaTemplate;
import org.springframework.test.annotation.DirtiesContext;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

import java.time.Duration;
import java.time.Instant;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * How many short runs one worker with the default settings completes per second: 10,000 noop runs published at once
 * on the normal band, counted by their outcome reports. The rate is logged, not asserted (DESIGN.md section 10 rule
 * 24: tight figures belong to the benchmark); what is asserted is that every run is started and succeeds once.
 */
@DirtiesContext
@SpringBootTest(properties = {
        "spring.config.name=" + WorkerApplication.CONFIG_NAME,
        "polysync.worker.worker-id=worker-throughput-it"})
class ThroughputIT {

    private static final Logger log = LoggerFactory.getLogger(ThroughputIT.class);
    private static final int RUNS = 10_000;

    @DynamicPropertySource
    static void infrastructure(DynamicPropertyRegistry registry) {
        TestProperties.kafka(registry);
    }

    @Autowired
    private KafkaTemplate<String, String> kafka;

    @Test
    void completesEveryShortRunOnceAndLogsTheRate() throws Exception {
        PlatformSnapshot platform = new PlatformSnapshot(UUID.randomUUID(), "nowhere", "http", Map.of());
        Set<UUID> runs = new HashSet<>();
        try (KafkaConsumer<String, String> reports = reportsFromNow()) {
            Instant begin = Instant.now();
            for (int i = 0; i < RUNS; i++) {
                // a task per hundred runs spreads them over the partitions as dispatched runs are spread
                RunDispatched run = new RunDispatched(UUID.randomUUID(), new UUID(7, i / 100), "throughput-it", 1,
                        TriggerType.MANUAL, "noop", platform, Map.of(), null, 50, 0, Instant.now());
                runs.add(run.runId());
                kafka.send(Topics.RUNS_NORMAL, run.taskId().toString(), Json.encode(run));
            }
            kafka.flush();
            Instant published = Instant.now();

            Set<UUID> started = new HashSet<>();
            Set<UUID> succeeded = new HashSet<>();
            int repeated = 0;
            Instant deadline = Instant.now().plus(Duration.ofMinutes(3));
            while (succeeded.size() < RUNS && Instant.now().isBefore(deadline)) {
                for (ConsumerRecord<String, String> record : reports.poll(Duration.ofMillis(200))) {
                    WorkerReport report = Json.decode(record.value(), WorkerReport.class);
                    if (!runs.contains(report.runId())) {
                        continue;
                    }
                    if (report instanceof RunStarted && !started.add(report.runId())) {
                        repeated++;
                    } else if (report instanceof RunSucceeded && !succeeded.add(report.runId())) {
                        repeated++;
                    }
                }
            }
            Duration elapsed = Duration.between(begin, Instant.now());
            log.info("THROUGHPUT {} noop runs completed by one worker in {} ms (published in {} ms): {} runs/s; "
                            + "{} repeated reports", succeeded.size(), elapsed.toMillis(),
                    Duration.between(begin, published).toMillis(),
                    Math.round(succeeded.size() * 1000.0 / Math.max(1, elapsed.toMillis())), repeated);
            assertThat(succeeded).hasSize(RUNS);
            assertThat(started).hasSize(RUNS);
        }
    }

    private static KafkaConsumer<String, String> reportsFromNow() {
        KafkaConsumer<String, String> consumer = new KafkaConsumer<>(Map.of(
                ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, System.getProperty("spring.embedded.kafka.brokers"),
                ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, StringDeserializer.class,
                ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, StringDeserializer.class,
                ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false));
        List<PartitionInfo> partitions = consumer.partitionsFor(Topics.WORKER_REPORTS);
        List<TopicPartition> assigned = partitions.stream()
                .map(info -> new TopicPartition(info.topic(), info.partition())).toList();
        consumer.assign(assigned);
        consumer.seekToEnd(assigned);
        assigned.forEach(consumer::position);
        return consumer;
    }
}
