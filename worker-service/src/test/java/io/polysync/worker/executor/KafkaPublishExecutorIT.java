package io.polysync.worker.executor;

import io.polysync.model.Json;
import io.polysync.worker.execution.InvalidParametersException;
import io.polysync.worker.execution.JobResult;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import static io.polysync.worker.executor.Contexts.context;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

/** {@code kafka.publish} against the embedded broker; each record is read back where the outputs say it went. */
class KafkaPublishExecutorIT {

    private final KafkaPublishExecutor kafka = new KafkaPublishExecutor();
    private final String brokers = System.getProperty("spring.embedded.kafka.brokers");

    @AfterEach
    void close() {
        kafka.close();
    }

    @Test
    void publishesAJsonValueWithKeyAndHeadersAndReportsWhereItWent() throws Exception {
        String topic = "publish-" + UUID.randomUUID();

        JobResult result = kafka.execute(context("kafka", Map.of("bootstrapServers", List.of(brokers)), Map.of(
                "topic", topic, "key", "order-7", "value", Map.of("amount", 12, "ok", true),
                "headers", Map.of("source", "polysync"))));

        assertThat(result).isInstanceOf(JobResult.Success.class);
        Map<String, Object> outputs = ((JobResult.Success) result).outputs();
        ConsumerRecord<String, String> record = readBack(topic, (Integer) outputs.get("partition"),
                (Long) outputs.get("offset"));
        assertThat(record.key()).isEqualTo("order-7");
        assertThat(Json.decode(record.value(), Map.class)).isEqualTo(Map.of("amount", 12, "ok", true));
        assertThat(new String(record.headers().lastHeader("source").value(), StandardCharsets.UTF_8))
                .isEqualTo("polysync");
    }

    @Test
    void sendsAStringValueAsItIsThroughTheProducerItKeepsForThePlatform() throws Exception {
        String topic = "publish-" + UUID.randomUUID();
        Map<String, Object> platform = Map.of("bootstrapServers", brokers + ", ");

        kafka.execute(context("kafka", platform, Map.of("topic", topic, "value", "first")));
        JobResult second = kafka.execute(context("kafka", platform, Map.of("topic", topic, "value", "plain text")));

        Map<String, Object> outputs = ((JobResult.Success) second).outputs();
        assertThat(readBack(topic, (Integer) outputs.get("partition"), (Long) outputs.get("offset")).value())
                .isEqualTo("plain text");
    }

    @Test
    void refusesAPlatformWithoutBootstrapServers() {
        assertThatThrownBy(() -> kafka.execute(context("kafka", Map.of(), Map.of("topic", "t"))))
                .isInstanceOf(InvalidParametersException.class)
                .hasMessageContaining("bootstrapServers");
    }

    private ConsumerRecord<String, String> readBack(String topic, int partition, long offset) {
        TopicPartition position = new TopicPartition(topic, partition);
        try (KafkaConsumer<String, String> consumer = new KafkaConsumer<>(Map.of(
                ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, brokers,
                ConsumerConfig.GROUP_ID_CONFIG, "read-back-" + UUID.randomUUID(),
                ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false), new StringDeserializer(), new StringDeserializer())) {
            consumer.assign(List.of(position));
            consumer.seek(position, offset);
            return await().atMost(Duration.ofSeconds(20)).until(
                    () -> consumer.poll(Duration.ofMillis(200)).records(position).stream().findFirst().orElse(null),
                    record -> record != null);
        }
    }
}
