package io.polysync.scheduler.schedule;

import io.polysync.model.id.Ids;
import io.polysync.model.run.TriggerType;
import io.polysync.model.task.MisfirePolicy;
import io.polysync.model.task.ScheduleSnapshot;
import io.polysync.runtime.testing.TestDatabase;
import io.polysync.runtime.testing.TestProperties;
import io.polysync.scheduler.schedule.ScheduleFixtures.Fired;
import io.polysync.scheduler.schedule.ScheduleFixtures.TriggerReader;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Set;
import java.util.UUID;

import static io.polysync.scheduler.schedule.ScheduleFixtures.publish;
import static io.polysync.scheduler.schedule.ScheduleFixtures.publishTombstone;
import static io.polysync.scheduler.schedule.ScheduleFixtures.task;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

@SpringBootTest(properties = "spring.config.name=scheduler-service")
class ScheduleIT {

    @DynamicPropertySource
    static void infrastructure(DynamicPropertyRegistry registry) {
        TestProperties.database(registry, TestDatabase.freshSchema("scheduler"));
        TestProperties.kafka(registry);
    }

    @Autowired
    JdbcTemplate jdbc;

    private final String brokers = System.getProperty("spring.embedded.kafka.brokers");
    private final UUID taskId = UUID.randomUUID();
    private final UUID scheduleId = UUID.randomUUID();
    private TriggerReader triggers;

    @BeforeEach
    void readTriggers() {
        triggers = new TriggerReader(brokers, Set.of(taskId));
    }

    @AfterEach
    void closeReader() {
        triggers.close();
    }

    @Test
    void everySecondCronFiresConsecutiveInstantsAndNeverEarly() {
        publish(brokers, task(taskId, 1, MisfirePolicy.FIRE_ONCE, null,
                new ScheduleSnapshot(scheduleId, "* * * * * *", "Europe/Paris")));

        await().atMost(Duration.ofSeconds(30)).until(() -> triggers.of(taskId).size() >= 4);

        List<Fired> fired = triggers.of(taskId);
        List<Instant> instants = fired.stream().map(f -> f.trigger().scheduledFor()).distinct().sorted().toList();
        for (int i = 1; i < instants.size(); i++) {
            assertThat(instants.get(i)).isEqualTo(instants.get(i - 1).plusSeconds(1));
        }
        for (Fired f : fired) {
            assertThat(f.trigger().scheduledFor()).isBeforeOrEqualTo(f.recordTime());
            assertThat(f.trigger().scheduledFor().getNano()).isZero();
            assertThat(f.trigger().triggerId()).isEqualTo(
                    Ids.triggerId(taskId, TriggerType.SCHEDULE, scheduleId + "|" + f.trigger().scheduledFor()));
            assertThat(f.trigger().runId()).isEqualTo(Ids.runId(f.trigger().triggerId()));
            assertThat(f.trigger().definitionVersion()).isEqualTo(1);
            assertThat(f.trigger().requestedBy()).isEqualTo("scheduler");
            assertThat(f.trigger().attempt()).isEqualTo(1);
        }
    }

    @Test
    void aScheduleRemovedByANewDefinitionStopsFiring() {
        publish(brokers, task(taskId, 1, MisfirePolicy.FIRE_ONCE, null,
                new ScheduleSnapshot(scheduleId, "* * * * * *", "UTC")));
        await().atMost(Duration.ofSeconds(30)).until(() -> triggers.of(taskId).size() >= 2);

        publish(brokers, task(taskId, 2, MisfirePolicy.FIRE_ONCE, null));
        await().atMost(Duration.ofSeconds(30)).until(() -> stateRows() == 0);

        assertStopsFiring();
    }

    @Test
    void aDeletedTaskStopsFiring() {
        publish(brokers, task(taskId, 1, MisfirePolicy.FIRE_ONCE, null,
                new ScheduleSnapshot(scheduleId, "* * * * * *", "UTC")));
        await().atMost(Duration.ofSeconds(30)).until(() -> triggers.of(taskId).size() >= 2);

        publishTombstone(brokers, taskId);
        await().atMost(Duration.ofSeconds(30)).until(() -> stateRows() == 0);

        assertStopsFiring();
    }

    private void assertStopsFiring() {
        Instant stoppedAt = Instant.now();
        await().during(Duration.ofSeconds(3)).atMost(Duration.ofSeconds(6)).until(() ->
                triggers.of(taskId).stream().noneMatch(f -> f.trigger().scheduledFor().isAfter(stoppedAt)));
    }

    private int stateRows() {
        Integer rows = jdbc.queryForObject("SELECT COUNT(*) FROM schedule_state WHERE task_id = ?", Integer.class, taskId);
        return rows == null ? 0 : rows;
    }
}
