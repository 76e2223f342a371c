package io.polysync.scheduler.schedule;

import io.micrometer.core.instrument.MeterRegistry;
import io.polysync.model.event.TriggerRequested;
import io.polysync.model.task.MisfirePolicy;
import io.polysync.model.task.ScheduleSnapshot;
import io.polysync.runtime.testing.TestDatabase;
import io.polysync.scheduler.SchedulerApplication;
import io.polysync.scheduler.schedule.ScheduleFixtures.Fired;
import io.polysync.scheduler.schedule.ScheduleFixtures.TriggerReader;
import org.junit.jupiter.api.Test;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.jdbc.core.JdbcTemplate;

import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.stream.Collectors;

import static io.polysync.scheduler.schedule.ScheduleFixtures.publish;
import static io.polysync.scheduler.schedule.ScheduleFixtures.task;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/** Scheduler replicas as separate application contexts sharing one database schema and one consumer group. */
class ScheduleReplicasIT {

    private final String brokers = System.getProperty("spring.embedded.kafka.brokers");
    private final String schema = TestDatabase.freshSchema("scheduler");

    @Test
    void twoReplicasFireEachSecondExactlyOnceWhileOneOfThemStops() {
        UUID taskId = UUID.randomUUID();
        UUID scheduleId = UUID.randomUUID();
        ConfigurableApplicationContext first = replica();
        ConfigurableApplicationContext second = replica();
        try (TriggerReader triggers = new TriggerReader(brokers, Set.of(taskId))) {
            publish(brokers, task(taskId, 1, MisfirePolicy.FIRE_ONCE, null,
                    new ScheduleSnapshot(scheduleId, "* * * * * *", "UTC")));
            await().atMost(Duration.ofSeconds(30)).until(() -> distinctInstants(triggers.of(taskId)) >= 3);

            // Stop the replica that fires the schedule, so the other must take it over.
            ConfigurableApplicationContext owner = first.getBean(ScheduleTimer.class).held() > 0 ? first : second;
            ConfigurableApplicationContext survivor = owner == first ? second : first;
            owner.close();
            int beforeClose = distinctInstants(triggers.of(taskId));
            await().atMost(Duration.ofSeconds(60)).until(() -> distinctInstants(triggers.of(taskId)) >= beforeClose + 4);
            assertThat(survivor.getBean(ScheduleTimer.class).held()).isEqualTo(1);

            Map<UUID, TriggerRequested> byTriggerId = new LinkedHashMap<>();
            triggers.of(taskId).forEach(f -> byTriggerId.putIfAbsent(f.trigger().triggerId(), f.trigger()));
            Map<Instant, Long> perInstant = byTriggerId.values().stream()
                    .collect(Collectors.groupingBy(TriggerRequested::scheduledFor, Collectors.counting()));
            assertThat(perInstant.values()).allMatch(count -> count == 1);
            List<Instant> instants = perInstant.keySet().stream().sorted().toList();
            List<Instant> everySecond = new ArrayList<>();
            for (Instant i = instants.get(0); !i.isAfter(instants.get(instants.size() - 1)); i = i.plusSeconds(1)) {
                everySecond.add(i);
            }
            assertThat(instants).isEqualTo(everySecond);
            for (Fired f : triggers.of(taskId)) {
                assertThat(f.trigger().scheduledFor()).isBeforeOrEqualTo(f.recordTime());
            }
        } finally {
            first.close();
            second.close();
        }
    }

    @Test
    void afterDowntimeEachMisfirePolicyApplies() {
        UUID fireOnce = UUID.randomUUID();
        UUID skip = UUID.randomUUID();
        UUID catchUp = UUID.randomUUID();
        ScheduleSnapshot yearly = new ScheduleSnapshot(UUID.randomUUID(), "0 0 1 1 *", "UTC");
        try (TriggerReader triggers = new TriggerReader(brokers, Set.of(fireOnce, skip, catchUp))) {
            try (ConfigurableApplicationContext before = replica()) {
                publish(brokers, task(fireOnce, 1, MisfirePolicy.FIRE_ONCE, null, yearly));
                publish(brokers, task(skip, 1, MisfirePolicy.SKIP, null, yearly));
                publish(brokers, task(catchUp, 1, MisfirePolicy.CATCH_UP, 3, yearly));
                JdbcTemplate jdbc = before.getBean(JdbcTemplate.class);
                await().atMost(Duration.ofSeconds(30)).until(() -> jdbc.queryForObject(
                        "SELECT COUNT(*) FROM schedule_state", Integer.class) == 3);
                // The scheduler was down since New Year's Day 2020: every later New Year's Day was missed.
                jdbc.update("UPDATE schedule_state SET last_fire_at = ?",
                        OffsetDateTime.parse("2020-01-01T00:00:00Z"));
            }

            Instant restart = Instant.now();
            List<Instant> newYears = new ArrayList<>();
            for (int year = 2021; year <= restart.atOffset(ZoneOffset.UTC).getYear(); year++) {
                newYears.add(OffsetDateTime.of(year, 1, 1, 0, 0, 0, 0, ZoneOffset.UTC).toInstant());
            }
            try (ConfigurableApplicationContext after = replica()) {
                await().atMost(Duration.ofSeconds(30)).until(() ->
                        scheduledFor(triggers.of(fireOnce)).size() == 1 && scheduledFor(triggers.of(catchUp)).size() == 3);
                assertThat(scheduledFor(triggers.of(fireOnce))).containsExactly(newYears.get(newYears.size() - 1));
                assertThat(scheduledFor(triggers.of(catchUp))).isEqualTo(newYears.subList(newYears.size() - 3, newYears.size()));
                assertThat(triggers.of(skip)).isEmpty();
                assertThat(after.getBean(MeterRegistry.class).find("polysync.scheduler.missed.fires").counters()
                        .stream().mapToDouble(c -> c.count()).sum()).isEqualTo(3.0 * newYears.size());
            }
        }
    }

    private ConfigurableApplicationContext replica() {
        TestDatabase.Connection db = TestDatabase.get();
        return new SpringApplicationBuilder(SchedulerApplication.class).run(
                "--spring.config.name=" + SchedulerApplication.CONFIG_NAME,
                "--spring.datasource.url=" + db.url(),
                "--spring.datasource.username=" + db.username(),
                "--spring.datasource.password=" + db.password(),
                "--spring.datasource.hikari.schema=" + schema,
                "--spring.flyway.schemas=" + schema,
                "--spring.kafka.bootstrap-servers=" + brokers,
                "--server.port=0");
    }

    private static int distinctInstants(List<Fired> fired) {
        return (int) fired.stream().map(f -> f.trigger().scheduledFor()).distinct().count();
    }

    private static List<Instant> scheduledFor(List<Fired> fired) {
        return fired.stream().map(f -> f.trigger().scheduledFor()).distinct().sorted().toList();
    }
}
