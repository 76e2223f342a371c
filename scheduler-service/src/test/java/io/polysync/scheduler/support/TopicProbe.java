package io.polysync.scheduler.support;

import io.polysync.model.Json;
import org.apache.kafka.clients.consumer.CloseOptions;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.awaitility.Awaitility;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.function.Predicate;

/** Reads a real topic from its beginning, as any downstream consumer would, and remembers everything it saw. */
public final class TopicProbe implements AutoCloseable {

    private final KafkaConsumer<String, String> consumer;
    private final List<ConsumerRecord<String, String>> seen = new ArrayList<>();

    public TopicProbe(String topic) {
        consumer = new KafkaConsumer<>(Map.of(
                ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, System.getProperty("spring.embedded.kafka.brokers"),
                ConsumerConfig.GROUP_ID_CONFIG, "probe-" + UUID.randomUUID(),
                ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest",
                ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false,
                ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, StringDeserializer.class,
                ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, StringDeserializer.class));
        List<TopicPartition> partitions = consumer.partitionsFor(topic, Duration.ofSeconds(10)).stream()
                .map(p -> new TopicPartition(topic, p.partition())).toList();
        consumer.assign(partitions);
        consumer.seekToBeginning(partitions);
    }

    /** The values seen so far under {@code key} that decode as {@code type} and match, in partition order. */
    public <T> List<T> seen(String key, Class<T> type, Predicate<T> match) {
        consumer.poll(Duration.ofMillis(100)).forEach(seen::add);
        List<T> found = new ArrayList<>();
        for (ConsumerRecord<String, String> record : seen) {
            if (key.equals(record.key()) && record.value() != null) {
                Object value = Json.decode(record.value(), type);
                if (type.isInstance(value) && match.test(type.cast(value))) {
                    found.add(type.cast(value));
                }
            }
        }
        return found;
    }

    /** Waits until {@code count} matching values arrived under {@code key} and returns them. */
    public <T> List<T> await(int count, String key, Class<T> type, Predicate<T> match) {
        return Awaitility.await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(50))
                .until(() -> seen(key, type, match), values -> values.size() >= count);
    }

    @Override
    public void close() {
        consumer.close(CloseOptions.timeout(Duration.ofSeconds(2)));
    }
}
