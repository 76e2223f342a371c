package io.polysync.scheduler.support;

import io.polysync.model.Topics;
import io.polysync.model.task.TaskSnapshot;
import io.polysync.runtime.testing.TestDatabase;
import io.polysync.runtime.testing.TestProperties;
import io.polysync.runtime.testing.TopicProbe;
import io.polysync.scheduler.SchedulerApplication;
import org.junit.jupiter.api.AfterAll;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.kafka.core.KafkaTemplate;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

import java.util.HashMap;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeUnit;

/**
 * The scheduler against real PostgreSQL and the JVM's embedded KRaft broker. Subclasses share one application context,
 * so one scheduler consumes the real topics for all of them; tests keep apart by using tasks of their own.
 */
@SpringBootTest(properties = {
        "spring.config.name=" + SchedulerApplication.CONFIG_NAME,
        "logging.level.org.apache.kafka=WARN",
        "logging.level.kafka=WARN",
        "logging.level.state.change.logger=OFF",
        // RunEventCostIT prints the transactions per run event from these
        "spring.jpa.properties.hibernate.generate_statistics=true",
        "logging.level.org.hibernate.engine.internal.StatisticalLoggingSessionEventListener=WARN"})
public abstract class SchedulerIntegrationTest {

    private static final String SCHEMA = TestDatabase.freshSchema("scheduler");
    private static final Map<String, TopicProbe> PROBES = new HashMap<>();

    @DynamicPropertySource
    static void infrastructure(DynamicPropertyRegistry registry) {
        TestProperties.database(registry, SCHEMA);
        TestProperties.kafka(registry);
    }

    @Autowired
    protected KafkaTemplate<String, String> kafka;

    @Autowired
    protected JdbcTemplate jdbc;

    /** A probe of {@code topic}, created on first use, when the context (and so every topic) surely exists. */
    protected static TopicProbe probe(String topic) {
        return PROBES.computeIfAbsent(topic, TopicProbe::new);
    }

    @AfterAll
    static void closeProbes() {
        PROBES.values().forEach(TopicProbe::close);
        PROBES.clear();
    }

    protected void define(TaskSnapshot task) {
        send(Topics.TASK_DEFINITIONS, task.taskId(), Tasks.definition(task));
    }

    protected void send(String topic, UUID key, String value) {
        try {
            kafka.send(topic, key.toString(), value).get(10, TimeUnit.SECONDS);
        } catch (Exception e) {
            throw new IllegalStateException("could not publish to " + topic, e);
        }
    }
}
