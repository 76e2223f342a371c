package io.polysync.runtime.kafka;

import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.polysync.model.ConsumerGroups;
import io.polysync.model.Topics;
import io.polysync.runtime.RuntimeProperties;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/** The lag monitor against the JVM's embedded broker. */
class ConsumerLagMonitorIT {

    private static final String BROKERS = System.getProperty("spring.embedded.kafka.brokers");

    private final SimpleMeterRegistry meters = new SimpleMeterRegistry();
    private final ConsumerLagMonitor monitor = new ConsumerLagMonitor(
            () -> Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, BROKERS)), meters,
            new RuntimeProperties.LagMonitor(true, Duration.ofSeconds(10), "polysync-worker-commands-.+"));
    private final String suffix = UUID.randomUUID().toString().substring(0, 8);
    private final String topic = "polysync.lag-test-" + suffix;
    private final String group = "polysync-lag-test-" + suffix;

    @AfterEach
    void stop() {
        monitor.stop();
    }

    @Test
    void everyExpectedGroupIsReportedFromTheStartEvenWithoutMembers() throws Exception {
        ConsumerGroups.EXPECTED.forEach((g, topics) -> topics.forEach(t ->
                assertThat(gauge("polysync.kafka.consumer.members", g, t)).isZero()));

        monitor.refresh();

        assertThat(gauge("polysync.kafka.consumer.members", ConsumerGroups.WORKER, Topics.RUNS_HIGH)).isZero();
    }

    @Test
    void reportsLagAndLiveMembersOfAGroupAndKeepsItWhenTheMembersLeave() throws Exception {
        try (Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, BROKERS))) {
            admin.createTopics(List.of(new NewTopic(topic, 2, (short) 1))).all().get();
        }
        try (KafkaProducer<String, String> producer = new KafkaProducer<>(Map.of(
                ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, BROKERS), new StringSerializer(), new StringSerializer())) {
            for (int i = 0; i < 5; i++) {
                producer.send(new ProducerRecord<>(topic, 0, "k", "v" + i)).get();
            }
            producer.send(new ProducerRecord<>(topic, 1, "k", "w")).get();
        }
        String excluded = ConsumerGroups.WORKER_COMMANDS_PREFIX + suffix;
        try (KafkaConsumer<String, String> consumer = consumer(group);
             KafkaConsumer<String, String> perInstance = consumer(excluded)) {
            consumer.subscribe(List.of(topic));
            await().atMost(Duration.ofSeconds(30)).until(() -> {
                consumer.poll(Duration.ofMillis(100));
                return consumer.assignment().size() == 2;
            });
            consumer.commitSync(Map.of(new TopicPartition(topic, 0), new OffsetAndMetadata(2)));
            perInstance.commitSync(Map.of(new TopicPartition(topic, 0), new OffsetAndMetadata(1)));

            monitor.refresh();

            // partition 0: 5 - 2; partition 1: nothing committed, so 1 - 0 from the log start
            assertThat(gauge("polysync.kafka.consumer.lag", group, topic)).isEqualTo(4);
            assertThat(gauge("polysync.kafka.consumer.members", group, topic)).isEqualTo(2);
            assertThat(meters.find("polysync.kafka.consumer.lag").tag("group", excluded).gauges()).isEmpty();
        }

        monitor.refresh();

        assertThat(gauge("polysync.kafka.consumer.members", group, topic)).isZero();
        assertThat(gauge("polysync.kafka.consumer.lag", group, topic)).isEqualTo(4);
    }

    private static KafkaConsumer<String, String> consumer(String group) {
        return new KafkaConsumer<>(Map.of(
                ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, BROKERS,
                ConsumerConfig.GROUP_ID_CONFIG, group,
                ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest",
                ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "false",
                ConsumerConfig.MAX_POLL_RECORDS_CONFIG, "1"),
                new StringDeserializer(), new StringDeserializer());
    }

    private double gauge(String name, String group, String topic) {
        Gauge gauge = meters.find(name).tag("group", group).tag("topic", topic).gauge();
        assertThat(gauge).as("%s{group=%s, topic=%s}", name, group, topic).isNotNull();
        return gauge.value();
    }
}
