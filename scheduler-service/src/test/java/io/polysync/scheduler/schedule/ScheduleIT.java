package io.polysync.scheduler.schedule;

import io.polysync.model.Json;
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
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

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
    @Autowired
    ScheduleStore store;

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

    /**
     * Two replicas that briefly both own the same schedules fire overlapping chunks at once: their row locks are
     * taken in one order, so neither deadlocks, and each instant of each schedule is fired by exactly one of them.
     */
    @Test
    void overlappingChunksOfTwoReplicasNeitherDeadlockNorFireTwice() throws Exception {
        int count = 600;
        List<ScheduleStore.Due> forward = new ArrayList<>();
        OffsetDateTime created = OffsetDateTime.now(ZoneOffset.UTC).minusHours(1);
        for (int i = 0; i < count; i++) {
            UUID task = UUID.randomUUID();
            UUID schedule = UUID.randomUUID();
            // no partition: no timer of this context owns these, only the two callers below fire them
            jdbc.update("INSERT INTO task_view (task_id, task_name, definition_version, snapshot, updated_at) "
                    + "VALUES (?, ?, 1, ?, ?)", task, "task-" + task, Json.encode(task(task, 1,
                    MisfirePolicy.FIRE_ONCE, null, new ScheduleSnapshot(schedule, "* * * * * *", "UTC"))), created);
            jdbc.update("INSERT INTO schedule_state (task_id, schedule_id, created_at) VALUES (?, ?, ?)",
                    task, schedule, created);
            forward.add(new ScheduleStore.Due(task, schedule, List.of()));
        }
        Instant base = Instant.now().truncatedTo(ChronoUnit.SECONDS).minusSeconds(30);
        ExecutorService replicas = Executors.newFixedThreadPool(2);
        try {
            for (int round = 0; round < 5; round++) {
                List<Instant> instants = List.of(base.plusSeconds(round));
                List<ScheduleStore.Due> due = forward.stream()
                        .map(d -> new ScheduleStore.Due(d.taskId(), d.scheduleId(), instants)).toList();
                List<ScheduleStore.Due> reversed = new ArrayList<>(due);
                Collections.reverse(reversed);
                CountDownLatch start = new CountDownLatch(1);
                Future<List<ScheduleStore.FireResult>> first = replicas.submit(() -> {
                    start.await();
                    return store.fire(due);
                });
                Future<List<ScheduleStore.FireResult>> second = replicas.submit(() -> {
                    start.await();
                    return store.fire(reversed);
                });
                start.countDown();
                List<ScheduleStore.FireResult> a = first.get(60, TimeUnit.SECONDS);
                List<ScheduleStore.FireResult> b = second.get(60, TimeUnit.SECONDS);
                for (int i = 0; i < count; i++) {
                    int fired = a.get(i).fired().size() + b.get(count - 1 - i).fired().size();
                    assertThat(fired).as("schedule %d in round %d", i, round).isEqualTo(1);
                }
            }
        } finally {
            replicas.shutdownNow();
        }
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
