package io.polysync.runtime.outbox;

import io.polysync.model.Json;
import io.polysync.model.Topics;
import io.polysync.model.event.RunStarted;
import io.polysync.runtime.testing.TestDatabase;
import io.polysync.runtime.testing.TestProperties;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.autoconfigure.SpringBootApplication;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.jdbc.datasource.DataSourceTransactionManager;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;
import org.springframework.transaction.TransactionDefinition;
import org.springframework.transaction.TransactionSystemException;
import org.springframework.transaction.support.DefaultTransactionStatus;
import org.springframework.transaction.support.TransactionTemplate;

import javax.sql.DataSource;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

@SpringBootTest(classes = OutboxIT.App.class, properties = {
        "spring.flyway.locations=classpath:db/migration/outbox",
        "spring.kafka.producer.acks=all"})
class OutboxIT {

    @SpringBootApplication
    static class App {
    }

    @DynamicPropertySource
    static void infrastructure(DynamicPropertyRegistry registry) {
        TestProperties.database(registry, TestDatabase.freshSchema("outbox"));
        TestProperties.kafka(registry);
    }

    @Autowired
    Outbox outbox;
    @Autowired
    TransactionTemplate tx;
    @Autowired
    JdbcTemplate jdbc;
    @Autowired
    OutboxRelay relay;
    @Autowired
    DataSource dataSource;

    @Test
    void publishesCommittedRecordsInOrderAndDeletesThem() {
        UUID task = UUID.randomUUID();
        List<RunStarted> events = new ArrayList<>();
        for (int i = 0; i < 5; i++) {
            events.add(new RunStarted(UUID.randomUUID(), task, "w-" + i, Instant.now()));
        }
        tx.executeWithoutResult(s -> events.forEach(e -> outbox.append(Topics.WORKER_REPORTS, task.toString(), e)));

        List<ConsumerRecord<String, String>> received = readKeyed(Topics.WORKER_REPORTS, task.toString(), 5);
        assertThat(received).extracting(r -> Json.decode(r.value(), RunStarted.class)).containsExactlyElementsOf(events);
        await().atMost(Duration.ofSeconds(10)).until(() -> outboxRows() == 0);
    }

    @Test
    void publishesRowsACrashLeftInTheTable() {
        // written straight into the table, as by a process that died before its relay sent them: no relay holds them
        UUID task = UUID.randomUUID();
        RunStarted left = new RunStarted(UUID.randomUUID(), task, "left-behind", Instant.now());
        jdbc.update("INSERT INTO outbox (topic, record_key, payload, created_at) VALUES (?, ?, ?, ?)",
                Topics.RUN_EVENTS, task.toString(), Json.encode(left), java.sql.Timestamp.from(Instant.now()));

        List<ConsumerRecord<String, String>> received = readKeyed(Topics.RUN_EVENTS, task.toString(), 1);
        assertThat(received).extracting(r -> Json.decode(r.value(), RunStarted.class)).containsExactly(left);
        await().atMost(Duration.ofSeconds(10)).until(() -> outboxRows() == 0);
    }

    @Test
    void aDrainFromAnotherThreadDoesNotSendAgainWhatTheRelayHolds() {
        UUID task = UUID.randomUUID();
        List<RunStarted> events = new ArrayList<>();
        for (int i = 0; i < 50; i++) {
            events.add(new RunStarted(UUID.randomUUID(), task, "w-" + i, Instant.now()));
        }
        tx.executeWithoutResult(s -> events.forEach(e -> outbox.append(Topics.RUN_EVENTS, task.toString(), e)));
        while (relay.publishBatch() > 0) {
            // what tests do to drain the outbox while the relay runs
        }

        List<ConsumerRecord<String, String>> received = readKeyed(Topics.RUN_EVENTS, task.toString(), 50);
        assertThat(received).extracting(r -> Json.decode(r.value(), RunStarted.class)).containsExactlyElementsOf(events);
    }

    @Test
    void aRolledBackTransactionPublishesNothing() {
        UUID task = UUID.randomUUID();
        tx.executeWithoutResult(s -> {
            outbox.append(Topics.RUN_EVENTS, task.toString(), new RunStarted(UUID.randomUUID(), task, "w", Instant.now()));
            s.setRollbackOnly();
        });
        UUID marker = UUID.randomUUID();
        tx.executeWithoutResult(s -> outbox.append(Topics.RUN_EVENTS, task.toString(),
                new RunStarted(marker, task, "marker", Instant.now())));

        // same key, same partition, in commit order: once the marker arrived, the rolled-back record would have too
        List<ConsumerRecord<String, String>> received = readKeyed(Topics.RUN_EVENTS, task.toString(), 1);
        assertThat(received).hasSize(1);
        assertThat(Json.decode(received.get(0).value(), RunStarted.class).runId()).isEqualTo(marker);
    }

    @Test
    void aNestedTransactionKeepsItsOwnRecordsApartFromTheOneItSuspended() {
        UUID task = UUID.randomUUID();
        UUID outer = UUID.randomUUID();
        UUID inner = UUID.randomUUID();
        TransactionTemplate nested = new TransactionTemplate(tx.getTransactionManager());
        nested.setPropagationBehavior(TransactionDefinition.PROPAGATION_REQUIRES_NEW);
        tx.executeWithoutResult(s -> {
            outbox.append(Topics.RUN_EVENTS, task.toString(), new RunStarted(outer, task, "outer", Instant.now()));
            nested.executeWithoutResult(n -> outbox.append(Topics.RUN_EVENTS, task.toString(),
                    new RunStarted(inner, task, "inner", Instant.now())));
            outbox.append(Topics.RUN_EVENTS, task.toString(), new RunStarted(outer, task, "outer", Instant.now()));
            s.setRollbackOnly();
        });
        UUID marker = UUID.randomUUID();
        tx.executeWithoutResult(s -> outbox.append(Topics.RUN_EVENTS, task.toString(),
                new RunStarted(marker, task, "marker", Instant.now())));

        List<ConsumerRecord<String, String>> received = readKeyed(Topics.RUN_EVENTS, task.toString(), 2);
        assertThat(received).extracting(r -> Json.decode(r.value(), RunStarted.class).runId())
                .containsExactly(inner, marker);
    }

    @Test
    void aCommitWhoseOutcomeWasUnknownIsNotOvertakenByTheNextOne() {
        // the commit happens, but the caller hears an error, as when the connection dies in the COMMIT: afterCommit
        // never runs, so the rows are in the table without the relay knowing them
        DataSourceTransactionManager ackLost = new DataSourceTransactionManager(dataSource) {
            @Override
            protected void doCommit(DefaultTransactionStatus status) {
                super.doCommit(status);
                throw new TransactionSystemException("connection lost in COMMIT (simulated)");
            }
        };
        UUID task = UUID.randomUUID();
        UUID first = UUID.randomUUID();
        UUID second = UUID.randomUUID();
        assertThatThrownBy(() -> new TransactionTemplate(ackLost).executeWithoutResult(s -> outbox.append(
                Topics.RUN_EVENTS, task.toString(), new RunStarted(first, task, "first", Instant.now()))))
                .isInstanceOf(TransactionSystemException.class);
        tx.executeWithoutResult(s -> outbox.append(Topics.RUN_EVENTS, task.toString(),
                new RunStarted(second, task, "second", Instant.now())));

        List<ConsumerRecord<String, String>> received = readKeyed(Topics.RUN_EVENTS, task.toString(), 2);
        assertThat(received).extracting(r -> Json.decode(r.value(), RunStarted.class).runId())
                .containsExactly(first, second);
        await().atMost(Duration.ofSeconds(10)).until(() -> outboxRows() == 0);
    }

    @Test
    void refusesToWriteOutsideATransaction() {
        assertThatThrownBy(() -> outbox.append(Topics.RUN_EVENTS, "k", null))
                .isInstanceOf(IllegalStateException.class);
    }

    private int outboxRows() {
        Integer count = jdbc.queryForObject("SELECT COUNT(*) FROM outbox", Integer.class);
        return count == null ? 0 : count;
    }

    /** Reads the topic from the start until {@code expected} records with the key arrived, then a little longer. */
    private static List<ConsumerRecord<String, String>> readKeyed(String topic, String key, int expected) {
        Map<String, Object> config = Map.of(
                ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, System.getProperty("spring.embedded.kafka.brokers"),
                ConsumerConfig.GROUP_ID_CONFIG, "outbox-it-" + UUID.randomUUID(),
                ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest",
                ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, StringDeserializer.class,
                ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, StringDeserializer.class);
        List<ConsumerRecord<String, String>> found = new ArrayList<>();
        try (KafkaConsumer<String, String> consumer = new KafkaConsumer<>(config)) {
            consumer.subscribe(List.of(topic));
            await().atMost(Duration.ofSeconds(30)).until(() -> {
                consumer.poll(Duration.ofMillis(200)).forEach(r -> {
                    if (key.equals(r.key())) {
                        found.add(r);
                    }
                });
                return found.size() >= expected;
            });
            // a few more polls: a record that should not exist would show up here
            for (int i = 0; i < 3; i++) {
                consumer.poll(Duration.ofMillis(200)).forEach(r -> {
                    if (key.equals(r.key())) {
                        found.add(r);
                    }
                });
            }
        }
        return found;
    }
}
