package io.polysync.scheduler.retry;

import io.polysync.model.Topics;
import io.polysync.model.event.TriggerRequested;
import io.polysync.model.run.FailureReason;
import io.polysync.model.run.RunError;
import io.polysync.model.run.TriggerType;
import io.polysync.model.task.Backoff;
import io.polysync.model.task.RetryPolicy;
import io.polysync.runtime.testing.TestDatabase;
import io.polysync.runtime.testing.TopicProbe;
import io.polysync.scheduler.SchedulerApplication;
import io.polysync.scheduler.support.Tasks;
import org.junit.jupiter.api.Test;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.jdbc.datasource.DriverManagerDataSource;
import org.springframework.kafka.config.KafkaListenerEndpointRegistry;
import org.springframework.kafka.core.KafkaTemplate;

import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.TimeUnit;

import static io.polysync.scheduler.support.Tasks.task;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/** A pending retry is a row: it survives closing the scheduler and fires from the next one on the same schema. */
class RetryRestartIT {

    private static final String SCHEMA = TestDatabase.freshSchema("scheduler");
    private static final long DELAY_SECONDS = 6;

    @Test
    void aPendingRetrySurvivesARestartAndFiresAfterIt() throws Exception {
        UUID taskId = UUID.randomUUID();
        UUID failed = UUID.randomUUID();
        Instant failedAt;
        try (ConfigurableApplicationContext first = start()) {
            send(first, Topics.TASK_DEFINITIONS, taskId, Tasks.definition(task(taskId, 1, List.of(),
                    new RetryPolicy(true, 2, Backoff.FIXED, DELAY_SECONDS, null, false))));
            JdbcTemplate jdbc = first.getBean(JdbcTemplate.class);
            await().atMost(Duration.ofSeconds(30)).until(() -> rows(jdbc, "task_view", "task_id", taskId) == 1);
            // the failure must be stored well before it is due, so make sure the run-events listener is consuming
            KafkaListenerEndpointRegistry listeners = first.getBean(KafkaListenerEndpointRegistry.class);
            await().atMost(Duration.ofSeconds(30)).until(() -> listeners.getListenerContainers().stream()
                    .allMatch(c -> c.getAssignedPartitions() != null && !c.getAssignedPartitions().isEmpty()));

            failedAt = Instant.now().truncatedTo(ChronoUnit.MILLIS);
            send(first, Topics.RUN_EVENTS, taskId, Tasks.failed(taskId, failed, 1,
                    RunError.retryable(FailureReason.WORKER_SHUTDOWN, "worker stopped"), 1, failedAt));
            await().atMost(Duration.ofSeconds(30)).until(() -> rows(jdbc, "pending_retry", "failed_run_id", failed) == 1);
        }

        // the first scheduler closed before the retry was due: the row is all that remembers it
        assertThat(rows(outsideAnyScheduler(), SCHEMA + ".pending_retry", "failed_run_id", failed)).isEqualTo(1);

        try (TopicProbe triggers = new TopicProbe(Topics.TRIGGERS);
             ConfigurableApplicationContext second = start()) {
            TriggerRequested retry = triggers.await(1, taskId.toString(), TriggerRequested.class, t -> true).get(0);
            assertThat(retry.triggerType()).isEqualTo(TriggerType.RETRY);
            assertThat(retry.attempt()).isEqualTo(2);
            assertThat(retry.retryOf()).isEqualTo(failed);
            assertThat(retry.occurredAt()).isAfterOrEqualTo(failedAt.plusSeconds(DELAY_SECONDS));
            // published: no longer pending, but remembered so that a replayed failure is not retried again
            await().atMost(Duration.ofSeconds(10)).until(() -> second.getBean(JdbcTemplate.class).queryForObject(
                    "SELECT COUNT(*) FROM pending_retry WHERE failed_run_id = ? AND published_at IS NOT NULL",
                    Long.class, failed) == 1);
        }
    }

    /** Command-line arguments, so they win over scheduler-service.yml (builder properties would not). */
    private static ConfigurableApplicationContext start() {
        TestDatabase.Connection db = TestDatabase.get();
        return new SpringApplicationBuilder(SchedulerApplication.class)
                .properties("spring.config.name=" + SchedulerApplication.CONFIG_NAME)
                .run("--server.port=0",
                        "--spring.datasource.url=" + db.url(),
                        "--spring.datasource.username=" + db.username(),
                        "--spring.datasource.password=" + db.password(),
                        "--spring.datasource.hikari.schema=" + SCHEMA,
                        "--spring.flyway.schemas=" + SCHEMA,
                        "--spring.kafka.bootstrap-servers=" + System.getProperty("spring.embedded.kafka.brokers"),
                        "--logging.level.org.apache.kafka=WARN",
                        "--logging.level.kafka=WARN");
    }

    private static JdbcTemplate outsideAnyScheduler() {
        TestDatabase.Connection db = TestDatabase.get();
        return new JdbcTemplate(new DriverManagerDataSource(db.url(), db.username(), db.password()));
    }

    @SuppressWarnings("unchecked")
    private static void send(ConfigurableApplicationContext context, String topic, UUID key, String value)
            throws Exception {
        context.getBean(KafkaTemplate.class).send(topic, key.toString(), value).get(10, TimeUnit.SECONDS);
    }

    private static long rows(JdbcTemplate jdbc, String table, String column, UUID id) {
        Long count = jdbc.queryForObject("SELECT COUNT(*) FROM " + table + " WHERE " + column + " = ?", Long.class, id);
        return count == null ? 0 : count;
    }
}
