package io.polysync.scheduler.schedule;

import io.polysync.model.Json;
import io.polysync.model.event.RunStateChanged;
import io.polysync.model.event.TaskDefinitionChanged;
import io.polysync.model.event.TriggerRequested;
import io.polysync.model.id.Ids;
import io.polysync.model.run.RunState;
import io.polysync.model.run.TriggerType;
import io.polysync.model.task.DependencySnapshot;
import io.polysync.model.task.MisfirePolicy;
import io.polysync.model.task.OutputMapping;
import io.polysync.model.task.ScheduleSnapshot;
import io.polysync.model.task.TaskSnapshot;
import io.polysync.runtime.outbox.Outbox;
import io.polysync.runtime.outbox.OutboxRelay;
import io.polysync.scheduler.support.H2Scheduler;
import io.polysync.scheduler.tasks.DefinitionChange;
import io.polysync.scheduler.tasks.TaskCatalog;
import io.polysync.scheduler.tasks.TaskView;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.jdbc.core.namedparam.NamedParameterJdbcTemplate;
import org.springframework.jdbc.datasource.DataSourceTransactionManager;
import org.springframework.transaction.support.TransactionTemplate;

import javax.sql.DataSource;
import java.time.Clock;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.function.Supplier;

import static org.assertj.core.api.Assertions.assertThat;
import static org.mockito.Mockito.mock;

/**
 * The standalone mode runs on H2 in PostgreSQL mode: the batched definition, success and fire SQL must work there as
 * on PostgreSQL, and a poll or a chunk must have the effect of its records or schedules applied one by one.
 */
class DefinitionsAndFiresOnH2Test {

    private static final Instant T0 = Instant.parse("2026-11-28T10:00:00Z");

    private JdbcTemplate jdbc;
    private TransactionTemplate tx;
    private TaskCatalog catalog;
    private JdbcScheduleStore store;

    @BeforeEach
    void migrate() {
        DataSource dataSource = H2Scheduler.migrated("scheduler_schedules");
        jdbc = new JdbcTemplate(dataSource);
        jdbc.update("DELETE FROM outbox");
        jdbc.update("DELETE FROM schedule_state");
        jdbc.update("DELETE FROM task_view");
        jdbc.update("DELETE FROM last_success");
        tx = new TransactionTemplate(new DataSourceTransactionManager(dataSource));
        Clock clock = Clock.fixed(T0, ZoneOffset.UTC);
        NamedParameterJdbcTemplate named = new NamedParameterJdbcTemplate(jdbc);
        catalog = new TaskCatalog(named, clock);
        store = new JdbcScheduleStore(named, new Outbox(jdbc, mock(OutboxRelay.class), clock), clock);
    }

    @Test
    void aReplayedOlderDefinitionInThePollDoesNotWinAndATombstoneAfterAnUpdateDeletes() {
        UUID replayed = UUID.randomUUID();
        UUID deleted = UUID.randomUUID();
        UUID recreated = UUID.randomUUID();
        apply(DefinitionChange.of(definition(task(deleted, 1, "0 * * * * *")), 0));

        Map<UUID, List<ArmedSchedule>> armed = apply(
                DefinitionChange.of(definition(task(replayed, 2, "0 * * * * *")), 3),
                DefinitionChange.of(definition(task(deleted, 2, "30 * * * * *")), 0),
                DefinitionChange.of(definition(task(replayed, 1)), 3),
                DefinitionChange.tombstone(deleted, 0),
                DefinitionChange.tombstone(recreated, 1),
                DefinitionChange.of(definition(task(recreated, 1, "15 * * * * *")), 1));

        assertThat(version(replayed)).isEqualTo(2);
        assertThat(armed.get(replayed)).singleElement().satisfies(s -> assertThat(s.partition()).isEqualTo(3));
        assertThat(armed).doesNotContainKey(deleted);
        assertThat(jdbc.queryForObject("SELECT COUNT(*) FROM task_view WHERE task_id = ?", Integer.class, deleted))
                .isZero();
        assertThat(stateRows(deleted)).isZero();
        assertThat(version(recreated)).isEqualTo(1);
        assertThat(stateRows(recreated)).isEqualTo(1);

        // a later poll that replays version 1 alone keeps version 2 in force, and its schedule
        Map<UUID, List<ArmedSchedule>> replay = apply(DefinitionChange.of(definition(task(replayed, 1)), 3));
        assertThat(version(replayed)).isEqualTo(2);
        assertThat(replay.get(replayed)).hasSize(1);
        assertThat(stateRows(replayed)).isEqualTo(1);
    }

    @Test
    void manySchedulesDueOnOneInstantFireInOneTransactionEachInstantOnce() {
        int count = 1_200;
        UUID parent = UUID.randomUUID();
        jdbc.update("INSERT INTO last_success (task_id, run_id, outputs, finished_at) VALUES (?, ?, ?, ?)",
                parent, UUID.randomUUID(), Json.encode(Map.of("day", "2026-11-27")), T0.atOffset(ZoneOffset.UTC));
        List<DefinitionChange> changes = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            TaskSnapshot task = task(UUID.randomUUID(), 1, "0 * * * * *");
            if (i == 0) {
                task = withDependency(task, parent);
            }
            changes.add(DefinitionChange.of(definition(task), i % 4));
        }
        List<ArmedSchedule> armed = apply(changes.toArray(DefinitionChange[]::new)).values().stream()
                .flatMap(List::stream).toList();
        assertThat(armed).hasSize(count);
        Instant instant = T0.plusSeconds(60);
        List<ScheduleStore.Due> due = armed.stream()
                .map(s -> new ScheduleStore.Due(s.taskId(), s.scheduleId(), List.of(instant))).toList();
        jdbc.update("DELETE FROM schedule_state WHERE schedule_id = ?", armed.get(count - 1).scheduleId());

        List<ScheduleStore.FireResult> results = inTx(() -> store.fire(due));

        assertThat(results.subList(0, count - 1)).allSatisfy(r -> {
            assertThat(r.gone()).isFalse();
            assertThat(r.fired()).containsExactly(instant);
        });
        assertThat(results.get(count - 1).gone()).isTrue();
        List<TriggerRequested> triggers = jdbc.query("SELECT payload FROM outbox ORDER BY id",
                (rs, i) -> Json.decode(rs.getString(1), TriggerRequested.class));
        assertThat(triggers).hasSize(count - 1);
        assertThat(triggers).extracting(TriggerRequested::triggerId).doesNotHaveDuplicates();
        for (int i = 0; i < count - 1; i++) {
            ArmedSchedule s = armed.get(i);
            assertThat(triggers.get(i).triggerId())
                    .isEqualTo(Ids.triggerId(s.taskId(), TriggerType.SCHEDULE, s.scheduleId() + "|" + instant));
            assertThat(triggers.get(i).scheduledFor()).isEqualTo(instant);
            assertThat(triggers.get(i).definitionVersion()).isEqualTo(1);
        }
        assertThat(triggers.get(0).mappedInputs()).containsEntry("yesterday", "2026-11-27");
        assertThat(triggers.get(1).mappedInputs()).isEmpty();
        assertThat(jdbc.queryForObject("SELECT COUNT(*) FROM schedule_state WHERE last_fire_at = ?", Integer.class,
                instant.atOffset(ZoneOffset.UTC))).isEqualTo(count - 1);

        // fired already (by this or another replica): nothing again
        List<ScheduleStore.FireResult> again = inTx(() -> store.fire(due.subList(0, 10)));
        assertThat(again).allSatisfy(r -> {
            assertThat(r.fired()).isEmpty();
            assertThat(r.firedThrough()).isEqualTo(instant);
        });
        assertThat(jdbc.queryForObject("SELECT COUNT(*) FROM outbox", Integer.class)).isEqualTo(count - 1);
    }

    @Test
    void aChunkFiringThroughDifferentInstantsRecordsEachSchedulesOwn() {
        UUID twoSchedules = UUID.randomUUID();
        UUID other = UUID.randomUUID();
        UUID untouched = UUID.randomUUID();
        List<ArmedSchedule> armed = apply(DefinitionChange.of(definition(task(twoSchedules, 1, "0 * * * * *",
                        "30 * * * * *")), 0), DefinitionChange.of(definition(task(other, 1, "0 * * * * *")), 1),
                DefinitionChange.of(definition(task(untouched, 1, "0 * * * * *")), 1)).values().stream()
                .flatMap(List::stream).toList();
        ArmedSchedule first = schedule(armed, twoSchedules, 0);
        ArmedSchedule second = schedule(armed, twoSchedules, 1);
        ArmedSchedule single = schedule(armed, other, 0);
        Instant minute = T0.plusSeconds(60);
        Instant halfPast = T0.plusSeconds(90);
        // a catch-up of two instants ends on the same instant as the half-past schedule's single one
        List<ScheduleStore.Due> due = List.of(
                new ScheduleStore.Due(twoSchedules, first.scheduleId(), List.of(minute)),
                new ScheduleStore.Due(twoSchedules, second.scheduleId(), List.of(halfPast)),
                new ScheduleStore.Due(other, single.scheduleId(), List.of(T0.plusSeconds(30), halfPast)));

        List<ScheduleStore.FireResult> results = inTx(() -> store.fire(due));

        assertThat(results).extracting(ScheduleStore.FireResult::firedThrough)
                .containsExactly(minute, halfPast, halfPast);
        assertThat(lastFire(first.scheduleId())).isEqualTo(minute);
        assertThat(lastFire(second.scheduleId())).isEqualTo(halfPast);
        assertThat(lastFire(single.scheduleId())).isEqualTo(halfPast);
        assertThat(lastFire(schedule(armed, untouched, 0).scheduleId())).isNull();
        assertThat(jdbc.queryForObject("SELECT COUNT(*) FROM outbox", Integer.class)).isEqualTo(4);
    }

    @Test
    void aFireReadsTheSnapshotOnlyForADefinitionVersionItHasNotSeen() {
        UUID taskId = UUID.randomUUID();
        ArmedSchedule schedule = apply(DefinitionChange.of(definition(task(taskId, 1, "0 * * * * *")), 0))
                .get(taskId).get(0);
        Instant first = T0.plusSeconds(60);
        inTx(() -> store.fire(List.of(new ScheduleStore.Due(taskId, schedule.scheduleId(), List.of(first)))));
        // the same version again: the view decoded for the first fire serves, the snapshot is not read
        jdbc.update("UPDATE task_view SET snapshot = 'not json' WHERE task_id = ?", taskId);
        Instant second = T0.plusSeconds(120);

        inTx(() -> store.fire(List.of(new ScheduleStore.Due(taskId, schedule.scheduleId(), List.of(second)))));

        // a new version is read, whatever view was kept
        UUID parent = UUID.randomUUID();
        apply(DefinitionChange.of(definition(withDependency(task(taskId, 2, "0 * * * * *"), parent)), 0));
        jdbc.update("INSERT INTO last_success (task_id, run_id, outputs, finished_at) VALUES (?, ?, ?, ?)",
                parent, UUID.randomUUID(), Json.encode(Map.of("day", "2026-11-28")), T0.atOffset(ZoneOffset.UTC));
        Instant third = T0.plusSeconds(180);
        inTx(() -> store.fire(List.of(new ScheduleStore.Due(taskId, schedule.scheduleId(), List.of(third)))));

        List<TriggerRequested> triggers = jdbc.query("SELECT payload FROM outbox ORDER BY id",
                (rs, i) -> Json.decode(rs.getString(1), TriggerRequested.class));
        assertThat(triggers).extracting(TriggerRequested::scheduledFor).containsExactly(first, second, third);
        assertThat(triggers).extracting(TriggerRequested::definitionVersion).containsExactly(1L, 1L, 2L);
        assertThat(triggers.get(1).mappedInputs()).isEmpty();
        assertThat(triggers.get(2).mappedInputs()).containsEntry("yesterday", "2026-11-28");
    }

    @Test
    void aPollOfSuccessesKeepsEachTasksNewestAndNeverMovesBack() {
        UUID fresh = UUID.randomUUID();
        UUID known = UUID.randomUUID();
        UUID newer = UUID.randomUUID();
        UUID held = UUID.randomUUID();
        inTx(() -> {
            catalog.onSuccesses(List.of(success(fresh, newer, T0.plusSeconds(60), "b"),
                    success(fresh, UUID.randomUUID(), T0, "a"), success(known, held, T0.plusSeconds(60), "x")));
            return null;
        });
        assertThat(lastSuccess(fresh)).containsExactly(newer.toString(), "b");
        assertThat(lastSuccess(known)).containsExactly(held.toString(), "x");

        UUID newest = UUID.randomUUID();
        inTx(() -> {
            // a replay of the held success, an older one, and a newer one of the other task
            catalog.onSuccesses(List.of(success(fresh, newer, T0.plusSeconds(60), "b"),
                    success(known, UUID.randomUUID(), T0, "older"), success(fresh, newest, T0.plusSeconds(120), "c")));
            return null;
        });
        assertThat(lastSuccess(fresh)).containsExactly(newest.toString(), "c");
        assertThat(lastSuccess(known)).containsExactly(held.toString(), "x");
    }

    @Test
    void viewsAreReadForTheTasksThatHaveOne() {
        UUID defined = UUID.randomUUID();
        apply(DefinitionChange.of(definition(task(defined, 3)), 0));

        Map<UUID, TaskView> views = inTx(
                () -> catalog.views(List.of(defined, UUID.randomUUID())));

        assertThat(views).containsOnlyKeys(defined);
        assertThat(views.get(defined).taskName()).isEqualTo("task-" + defined);
        assertThat(views.get(defined).definitionVersion()).isEqualTo(3);
        assertThat(Json.decode(views.get(defined).snapshot(), TaskSnapshot.class).taskId()).isEqualTo(defined);
    }

    @Test
    void loadingPartitionsArmsEverySchedulesAndCreatesMissingStateInOneBatch() {
        List<DefinitionChange> changes = new ArrayList<>();
        for (int i = 0; i < 300; i++) {
            changes.add(DefinitionChange.of(definition(task(UUID.randomUUID(), 1, "0 0 * * * *", "0 30 * * * *")),
                    i % 3));
        }
        apply(changes.toArray(DefinitionChange[]::new));
        OffsetDateTime fired = T0.minusSeconds(3600).atOffset(ZoneOffset.UTC);
        jdbc.update("UPDATE schedule_state SET last_fire_at = ?", fired);
        // state that an older version never created: restored from the definition's save time
        jdbc.update("DELETE FROM schedule_state WHERE task_id IN (SELECT task_id FROM task_view WHERE kafka_partition = 1)");

        List<ArmedSchedule> armed = inTx(() -> store.loadPartitions(List.of(1, 2)));

        assertThat(armed).hasSize(400);
        assertThat(armed).filteredOn(s -> s.partition() == 2)
                .allSatisfy(s -> assertThat(s.firedThrough()).isEqualTo(fired.toInstant()));
        assertThat(armed).filteredOn(s -> s.partition() == 1)
                .allSatisfy(s -> assertThat(s.firedThrough()).isEqualTo(T0));
        assertThat(jdbc.queryForObject("SELECT COUNT(*) FROM schedule_state", Integer.class)).isEqualTo(600);
    }

    private Map<UUID, List<ArmedSchedule>> apply(DefinitionChange... records) {
        return inTx(() -> {
            List<DefinitionChange> changes = DefinitionChange.collapse(List.of(records));
            return store.definitionsChanged(changes, catalog.onDefinitions(changes));
        });
    }

    private List<String> lastSuccess(UUID taskId) {
        return jdbc.queryForObject("SELECT run_id, outputs FROM last_success WHERE task_id = ?",
                (rs, i) -> List.of(rs.getString(1), Json.decode(rs.getString(2), Map.class).get("v").toString()),
                taskId);
    }

    private static RunStateChanged success(UUID taskId, UUID runId, Instant finishedAt, String output) {
        return new RunStateChanged(runId, taskId, "t", TriggerType.MANUAL, 1, null, RunState.RUNNING,
                RunState.SUCCEEDED, "test", null, Map.of("v", output), "w-1", 1, "api", null, finishedAt, finishedAt,
                finishedAt, finishedAt);
    }

    /** The schedule at {@code position} in the task's definition ({@link #task} derives its id from both). */
    private static ArmedSchedule schedule(List<ArmedSchedule> armed, UUID taskId, int position) {
        UUID scheduleId = UUID.nameUUIDFromBytes((taskId + "/" + position).getBytes());
        return armed.stream().filter(s -> s.scheduleId().equals(scheduleId)).findFirst().orElseThrow();
    }

    private Instant lastFire(UUID scheduleId) {
        OffsetDateTime at = jdbc.queryForObject("SELECT last_fire_at FROM schedule_state WHERE schedule_id = ?",
                OffsetDateTime.class, scheduleId);
        return at == null ? null : at.toInstant();
    }

    private long version(UUID taskId) {
        return jdbc.queryForObject("SELECT definition_version FROM task_view WHERE task_id = ?", Long.class, taskId);
    }

    private int stateRows(UUID taskId) {
        return jdbc.queryForObject("SELECT COUNT(*) FROM schedule_state WHERE task_id = ?", Integer.class, taskId);
    }

    private static TaskDefinitionChanged definition(TaskSnapshot task) {
        return TaskDefinitionChanged.of(task, T0);
    }

    private static TaskSnapshot task(UUID taskId, long version, String... crons) {
        ScheduleSnapshot[] schedules = new ScheduleSnapshot[crons.length];
        for (int i = 0; i < crons.length; i++) {
            // stable per task and position, so a new version keeps the schedule
            schedules[i] = new ScheduleSnapshot(UUID.nameUUIDFromBytes((taskId + "/" + i).getBytes()), crons[i],
                    "UTC");
        }
        return ScheduleFixtures.task(taskId, version, MisfirePolicy.FIRE_ONCE, null, schedules);
    }

    private static TaskSnapshot withDependency(TaskSnapshot t, UUID parent) {
        return new TaskSnapshot(t.taskId(), t.name(), t.definitionVersion(), t.job(), t.parameters(),
                List.of(new DependencySnapshot(parent, "parent", List.of(new OutputMapping("day", "yesterday")))),
                t.schedules(), t.misfirePolicy(), t.catchUpLimit(), t.priority(), t.retry(),
                t.executionTimeoutSeconds(), t.maxConcurrentRuns(), t.contentionProfiles(), t.profiles());
    }

    private <T> T inTx(Supplier<T> work) {
        return tx.execute(status -> work.get());
    }
}
