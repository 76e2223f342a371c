package io.polysync.runtime.testing;

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

/**
 * Reads a real topic of the JVM's embedded broker from its beginning, as any downstream consumer would, with a plain
 * consumer of its own (no group membership), and remembers everything it saw.
 */
public final class TopicProbe implements AutoCloseable {

    private static final Duration TIMEOUT = Duration.ofSeconds(30);

    private final KafkaConsumer<String, String> consumer;
    private final List<TopicPartition> partitions;
    private final List<ConsumerRecord<String, String>> seen = new ArrayList<>();

    public TopicProbe(String topic) {
        consumer = new KafkaConsumer<>(Map.of(
                ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, System.getProperty("spring.embedded.kafka.brokers"),
                ConsumerConfig.GROUP_ID_CONFIG, "probe-" + UUID.randomUUID(),
                ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest",
                ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false,
                ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, StringDeserializer.class,
                ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, StringDeserializer.class));
        partitions = consumer.partitionsFor(topic, Duration.ofSeconds(10)).stream()
                .map(p -> new TopicPartition(topic, p.partition())).toList();
        consumer.assign(partitions);
        consumer.seekToBeginning(partitions);
    }

    /** Every record on {@code topic} right now, oldest first per partition. */
    public static List<ConsumerRecord<String, String>> readAll(String topic) {
        try (TopicProbe probe = new TopicProbe(topic)) {
            return probe.toEnd();
        }
    }

    /** Waits until a record matching {@code match} is on {@code topic} and answers it. */
    public static ConsumerRecord<String, String> await(String topic, Predicate<ConsumerRecord<String, String>> match) {
        try (TopicProbe probe = new TopicProbe(topic)) {
            return probe.awaitOne(match);
        }
    }

    /** Everything seen so far that matches, in the order of each partition. */
    public List<ConsumerRecord<String, String>> seen(Predicate<ConsumerRecord<String, String>> match) {
        consumer.poll(Duration.ofMillis(100)).forEach(seen::add);
        return seen.stream().filter(match).toList();
    }

    /** Waits until {@code count} matching records arrived and returns them. */
    public List<ConsumerRecord<String, String>> await(int count, Predicate<ConsumerRecord<String, String>> match) {
        return Awaitility.await().atMost(TIMEOUT).pollInterval(Duration.ofMillis(50))
                .until(() -> seen(match), records -> records.size() >= count);
    }

    public ConsumerRecord<String, String> awaitOne(Predicate<ConsumerRecord<String, String>> match) {
        return await(1, match).get(0);
    }

    /** The values seen so far under {@code key} that decode as {@code type} and match, in partition order. */
    public <T> List<T> seen(String key, Class<T> type, Predicate<T> match) {
        List<T> found = new ArrayList<>();
        for (ConsumerRecord<String, String> record : seen(r -> key.equals(r.key()) && r.value() != null)) {
            Object value = Json.decode(record.value(), type);
            if (type.isInstance(value) && match.test(type.cast(value))) {
                found.add(type.cast(value));
            }
        }
        return found;
    }

    /** Waits until {@code count} matching values arrived under {@code key} and returns them. */
    public <T> List<T> await(int count, String key, Class<T> type, Predicate<T> match) {
        return Awaitility.await().atMost(TIMEOUT).pollInterval(Duration.ofMillis(50))
                .until(() -> seen(key, type, match), values -> values.size() >= count);
    }

    /** Everything on the topic up to its end offsets as of this call: absent records are then truly absent. */
    private List<ConsumerRecord<String, String>> toEnd() {
        Map<TopicPartition, Long> end = consumer.endOffsets(partitions, Duration.ofSeconds(10));
        long deadline = System.nanoTime() + Duration.ofSeconds(20).toNanos();
        while (partitions.stream().anyMatch(p -> consumer.position(p) < end.get(p))) {
            if (System.nanoTime() > deadline) {
                throw new IllegalStateException("could not read " + partitions + " to the end");
            }
            consumer.poll(Duration.ofMillis(200)).forEach(seen::add);
        }
        return List.copyOf(seen);
    }

    @Override
    public void close() {
        consumer.close(CloseOptions.timeout(Duration.ofSeconds(2)));
    }
}
