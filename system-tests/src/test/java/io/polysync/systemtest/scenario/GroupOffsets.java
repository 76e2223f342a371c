package io.polysync.systemtest.scenario;

import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.ConsumerGroupDescription;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.admin.TopicDescription;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.StringSerializer;
import org.awaitility.Awaitility;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import java.util.stream.Collectors;

/**
 * The broker's side of scenarios 8 and 9: end offsets of topics, a consumer group's committed offsets (rewound while
 * the group has no members) and its lag, and raw records produced as a misbehaving or repeating producer would.
 */
final class GroupOffsets implements AutoCloseable {

    private final Admin admin;
    private final KafkaProducer<String, String> producer;

    GroupOffsets(String bootstrapServers) {
        Properties props = new Properties();
        props.put(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
        props.put(AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG, "15000");
        admin = Admin.create(props);
        Properties producerProps = new Properties();
        producerProps.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
        producerProps.put(ProducerConfig.ACKS_CONFIG, "all");
        producer = new KafkaProducer<>(producerProps, new StringSerializer(), new StringSerializer());
    }

    /** The end offset of every partition of the topics now. */
    Map<TopicPartition, Long> endOffsets(Collection<String> topics) {
        Map<TopicPartition, OffsetSpec> request = partitions(topics).stream()
                .collect(Collectors.toMap(Function.identity(), tp -> OffsetSpec.latest()));
        Map<TopicPartition, Long> ends = new HashMap<>();
        get(admin.listOffsets(request).all()).forEach((tp, info) -> ends.put(tp, info.offset()));
        return ends;
    }

    List<TopicPartition> partitions(Collection<String> topics) {
        Map<String, TopicDescription> described = get(admin.describeTopics(topics).allTopicNames());
        return described.values().stream().flatMap(d -> d.partitions().stream()
                .map(p -> new TopicPartition(d.name(), p.partition()))).toList();
    }

    /** Waits until the group has no members (its services stopped) and sets its committed offsets. */
    void rewind(String group, Map<TopicPartition, Long> offsets) {
        Awaitility.await("group " + group + " without members").atMost(Duration.ofSeconds(60))
                .pollInterval(Duration.ofMillis(500)).until(() -> members(group) == 0);
        Map<TopicPartition, OffsetAndMetadata> committed = new HashMap<>();
        offsets.forEach((tp, offset) -> committed.put(tp, new OffsetAndMetadata(offset)));
        get(admin.alterConsumerGroupOffsets(group, committed).all());
    }

    int members(String group) {
        ConsumerGroupDescription d = get(admin.describeConsumerGroups(List.of(group)).all()).get(group);
        return d.members().size();
    }

    /** Committed offsets of the group on the given topics. */
    Map<TopicPartition, Long> committed(String group, Collection<String> topics) {
        Map<TopicPartition, Long> offsets = new HashMap<>();
        get(admin.listConsumerGroupOffsets(group).partitionsToOffsetAndMetadata()).forEach((tp, om) -> {
            if (om != null && topics.contains(tp.topic())) {
                offsets.put(tp, om.offset());
            }
        });
        return offsets;
    }

    /** Waits until the group has committed up to the end of every partition of the topics, as they are now. */
    void awaitCaughtUp(String group, Collection<String> topics, Duration timeout) {
        Map<TopicPartition, Long> ends = endOffsets(topics);
        Awaitility.await("group " + group + " caught up on " + topics).atMost(timeout)
                .pollInterval(Duration.ofMillis(500)).ignoreExceptions().until(() -> {
                    Map<TopicPartition, Long> committed = committed(group, topics);
                    return ends.entrySet().stream().allMatch(e -> e.getValue() == 0
                            || committed.getOrDefault(e.getKey(), -1L) >= e.getValue());
                });
    }

    /** Sends one record and waits for the broker's acknowledgement. */
    void send(String topic, String key, String value) {
        send(new ProducerRecord<>(topic, key, value));
    }

    /** Sends a record with a header that names it as the test's own, so a reader can tell it from the services'. */
    void sendMarked(String topic, String key, String value, String mark) {
        ProducerRecord<String, String> record = new ProducerRecord<>(topic, key, value);
        record.headers().add(MARK_HEADER, mark.getBytes(StandardCharsets.UTF_8));
        send(record);
    }

    static final String MARK_HEADER = "polysync-system-test";

    static boolean marked(org.apache.kafka.clients.consumer.ConsumerRecord<?, ?> record) {
        return record.headers().lastHeader(MARK_HEADER) != null;
    }

    private void send(ProducerRecord<String, String> record) {
        String topic = record.topic();
        try {
            producer.send(record).get(30, TimeUnit.SECONDS);
        } catch (Exception e) {
            throw new IllegalStateException("sending to " + topic + " failed: " + e, e);
        }
    }

    private static <T> T get(org.apache.kafka.common.KafkaFuture<T> future) {
        try {
            return future.get(30, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        } catch (ExecutionException | java.util.concurrent.TimeoutException e) {
            throw new IllegalStateException(e);
        }
    }

    @Override
    public void close() {
        producer.close(Duration.ofSeconds(5));
        admin.close(Duration.ofSeconds(5));
    }
}
