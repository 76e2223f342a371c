package io.polysync.scheduler.schedule;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.polysync.model.cron.CronSchedule;
import io.polysync.model.event.TaskDefinitionChanged;
import io.polysync.model.task.MisfirePolicy;
import io.polysync.model.task.TaskSnapshot;
import io.polysync.scheduler.support.Tasks;
import io.polysync.scheduler.tasks.DefinitionChange;
import org.junit.jupiter.api.Test;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import static org.assertj.core.api.Assertions.assertThat;

class ScheduleTimerTest {

    private static final Duration THRESHOLD = Duration.ofSeconds(60);
    private static final Instant T0 = Instant.parse("2026-05-13T10:00:00Z");

    private final FakeStore store = new FakeStore();
    private final SimpleMeterRegistry meters = new SimpleMeterRegistry();
    private final ScheduleTimer timer = new ScheduleTimer(store, THRESHOLD, Clock.fixed(T0, ZoneOffset.UTC), meters);

    @Test
    void firesEachInstantOnceWhenItIsDueAndNeverBefore() {
        ArmedSchedule everyMinute = schedule("0 * * * * *", MisfirePolicy.FIRE_ONCE, 0, T0);
        store.assign(0, everyMinute);
        timer.partitionsAssigned(List.of(0));

        assertThat(timer.runOnce(T0.plusSeconds(59))).isZero();
        assertThat(timer.nextCheck()).isEqualTo(T0.plusSeconds(60));
        timer.runOnce(T0.plusSeconds(60));
        timer.runOnce(T0.plusSeconds(61));
        timer.runOnce(T0.plusSeconds(125));

        assertThat(store.fired).containsExactly(T0.plusSeconds(60), T0.plusSeconds(120));
        assertThat(fires()).isEqualTo(2);
        assertThat(missed()).isZero();
        assertThat(timer.held()).isEqualTo(1);
    }

    @Test
    void fireOnceAfterDowntimeFiresOnlyTheLatestMissedInstant() {
        store.assign(0, schedule("0 * * * * *", MisfirePolicy.FIRE_ONCE, 0, T0.minus(Duration.ofMinutes(10))));
        timer.partitionsAssigned(List.of(0));

        timer.runOnce(T0.plusSeconds(30));

        // 09:51 ... 10:00 are due; 09:51 ... 08:59:30 are more than 60 s late: missed; 10:00 is 30 s late: on time.
        assertThat(store.fired).containsExactly(T0.minusSeconds(60), T0);
        assertThat(missed()).isEqualTo(9);
        assertThat(meters.get("polysync.scheduler.missed.fires").tag("policy", "FIRE_ONCE").counter().count())
                .isEqualTo(9);
        assertThat(fires()).isEqualTo(2);
        assertThat(fired("MISFIRE_FIRED")).isEqualTo(1);
        assertThat(fired("ON_TIME")).isEqualTo(1);
        assertThat(meters.get("polysync.scheduler.fire.lateness").timer().count()).isEqualTo(2);
        assertThat(timer.nextCheck()).isEqualTo(T0.plusSeconds(60));
    }

    @Test
    void skipAfterDowntimeFiresNoMissedInstant() {
        store.assign(0, schedule("0 * * * * *", MisfirePolicy.SKIP, 0, T0.minus(Duration.ofMinutes(10))));
        timer.partitionsAssigned(List.of(0));

        timer.runOnce(T0.plusSeconds(30));

        assertThat(store.fired).containsExactly(T0);
        assertThat(missed()).isEqualTo(9);
    }

    @Test
    void catchUpAfterDowntimeFiresTheLatestMissedInstantsUpToTheLimit() {
        store.assign(0, schedule("0 * * * * *", MisfirePolicy.CATCH_UP, 3, T0.minus(Duration.ofMinutes(10))));
        timer.partitionsAssigned(List.of(0));

        timer.runOnce(T0.plusSeconds(90));

        // cutoff 10:00:30: 09:51 ... 10:00 missed (10), 10:01 on time.
        assertThat(store.fired).containsExactly(T0.minusSeconds(120), T0.minusSeconds(60), T0, T0.plusSeconds(60));
        assertThat(missed()).isEqualTo(10);
    }

    @Test
    void catchUpFindsTheLatestInstantsOfAVeryLongDowntime() {
        Instant lastFire = T0.minus(Duration.ofDays(3));
        store.assign(0, schedule("* * * * * *", MisfirePolicy.CATCH_UP, 2, lastFire));
        timer.partitionsAssigned(List.of(0));

        timer.runOnce(T0);

        assertThat(store.fired).hasSize(2 + 61);
        assertThat(store.fired.subList(0, 2)).containsExactly(T0.minusSeconds(62), T0.minusSeconds(61));
        assertThat(store.fired.get(2)).isEqualTo(T0.minusSeconds(60));
        assertThat(store.fired.get(store.fired.size() - 1)).isEqualTo(T0);
        assertThat(missed()).isEqualTo(FirePlan.SCAN_LIMIT);
    }

    @Test
    void aStallLongerThanTheThresholdCountsAsMissed() {
        store.assign(0, schedule("0 */5 * * * *", MisfirePolicy.SKIP, 0, T0));
        timer.partitionsAssigned(List.of(0));

        timer.runOnce(T0.plusSeconds(300 + 90));

        assertThat(store.fired).isEmpty();
        assertThat(missed()).isEqualTo(1);
        assertThat(timer.nextCheck()).isEqualTo(T0.plusSeconds(600));
    }

    @Test
    void anInstantAnotherReplicaFiredIsSkipped() {
        ArmedSchedule s = schedule("0 * * * * *", MisfirePolicy.FIRE_ONCE, 0, T0);
        store.assign(0, s);
        timer.partitionsAssigned(List.of(0));
        store.state.put(s.scheduleId(), T0.plusSeconds(60));

        timer.runOnce(T0.plusSeconds(60));

        assertThat(store.fired).isEmpty();
        assertThat(fires()).isZero();
        assertThat(timer.nextCheck()).isEqualTo(T0.plusSeconds(120));
    }

    @Test
    void revokedPartitionsStopFiringAndAssignedOnesStart() {
        ArmedSchedule onZero = schedule("0 * * * * *", MisfirePolicy.FIRE_ONCE, 0, T0, 0);
        ArmedSchedule onOne = schedule("30 * * * * *", MisfirePolicy.FIRE_ONCE, 0, T0, 1);
        store.assign(0, onZero);
        store.assign(1, onOne);
        timer.partitionsAssigned(List.of(0, 1));
        assertThat(timer.held()).isEqualTo(2);

        timer.partitionsRevoked(List.of(1));
        timer.runOnce(T0.plusSeconds(61));

        assertThat(store.fired).containsExactly(T0.plusSeconds(60));
        assertThat(timer.held()).isEqualTo(1);
    }

    @Test
    void aNewDefinitionReplacesTheTasksTimersAtOnce() {
        UUID task = UUID.randomUUID();
        ArmedSchedule old = schedule(task, "0 * * * * *", T0);
        store.assign(0, old);
        timer.partitionsAssigned(List.of(0));

        ArmedSchedule replacement = schedule(task, "15 * * * * *", T0);
        store.onDefinition = List.of(replacement);
        timer.definitionsChanged(List.of(defined(task, 2)), Map.of());
        timer.runOnce(T0.plusSeconds(61));

        assertThat(store.firedSchedules).containsExactly(replacement.scheduleId());
        assertThat(timer.held()).isEqualTo(1);

        store.onDefinition = List.of();
        timer.definitionsChanged(List.of(defined(task, 3)), Map.of());
        assertThat(timer.held()).isZero();
        assertThat(timer.runOnce(T0.plus(Duration.ofHours(1)))).isZero();
    }

    @Test
    void aDeletedTaskStopsFiring() {
        ArmedSchedule s = schedule("0 * * * * *", MisfirePolicy.FIRE_ONCE, 0, T0);
        store.assign(0, s);
        timer.partitionsAssigned(List.of(0));

        timer.definitionsChanged(List.of(DefinitionChange.tombstone(s.taskId(), 0)), Map.of());

        assertThat(timer.runOnce(T0.plus(Duration.ofHours(1)))).isZero();
        assertThat(store.fired).isEmpty();
        assertThat(timer.held()).isZero();
    }

    @Test
    void aFailedFireIsRetriedWithoutLosingTheInstant() {
        store.assign(0, schedule("0 * * * * *", MisfirePolicy.FIRE_ONCE, 0, T0));
        timer.partitionsAssigned(List.of(0));
        store.failNext = true;

        timer.runOnce(T0.plusSeconds(60));
        assertThat(store.fired).isEmpty();
        timer.runOnce(T0.plusSeconds(61));

        assertThat(store.fired).containsExactly(T0.plusSeconds(60));
    }

    @Test
    void schedulesDueOnOneInstantFireTogetherInChunksEachInstantOnce() {
        int count = ScheduleTimer.FIRE_CHUNK * 2 + 7;
        for (int i = 0; i < count; i++) {
            store.assign(0, schedule("0 * * * * *", MisfirePolicy.FIRE_ONCE, 0, T0));
        }
        timer.partitionsAssigned(List.of(0));

        assertThat(timer.runOnce(T0.plusSeconds(59))).isZero();
        assertThat(timer.runOnce(T0.plusSeconds(60))).isEqualTo(count);

        assertThat(store.fireCalls).isEqualTo(3);
        assertThat(store.firedSchedules).hasSize(count).doesNotHaveDuplicates();
        assertThat(store.fired).containsOnly(T0.plusSeconds(60));
        assertThat(fired("ON_TIME")).isEqualTo(count);
        assertThat(meters.get("polysync.scheduler.fire.lateness").timer().count()).isEqualTo(count);
        assertThat(timer.nextCheck()).isEqualTo(T0.plusSeconds(120));
        assertThat(timer.held()).isEqualTo(count);
    }

    @Test
    void aFailedChunkRetriesEachOfItsSchedulesAndTheOtherChunksFire() {
        int count = ScheduleTimer.FIRE_CHUNK + 1;
        for (int i = 0; i < count; i++) {
            store.assign(0, schedule("0 * * * * *", MisfirePolicy.FIRE_ONCE, 0, T0));
        }
        timer.partitionsAssigned(List.of(0));
        store.failNext = true;

        timer.runOnce(T0.plusSeconds(60));
        assertThat(store.firedSchedules).hasSize(1);
        assertThat(timer.nextCheck()).isEqualTo(T0.plusSeconds(61));
        timer.runOnce(T0.plusSeconds(61));

        assertThat(store.firedSchedules).hasSize(count).doesNotHaveDuplicates();
        assertThat(store.fired).containsOnly(T0.plusSeconds(60));
        assertThat(timer.nextCheck()).isEqualTo(T0.plusSeconds(120));
    }

    @Test
    void aGoneScheduleInAChunkIsDroppedAndTheOthersFire() {
        ArmedSchedule gone = schedule("0 * * * * *", MisfirePolicy.FIRE_ONCE, 0, T0);
        ArmedSchedule kept = schedule("0 * * * * *", MisfirePolicy.FIRE_ONCE, 0, T0);
        store.assign(0, gone);
        store.assign(0, kept);
        timer.partitionsAssigned(List.of(0));
        store.state.remove(gone.scheduleId());

        timer.runOnce(T0.plusSeconds(60));

        assertThat(store.firedSchedules).containsExactly(kept.scheduleId());
        assertThat(timer.held()).isEqualTo(1);
    }

    @Test
    void metersExistAtZeroBeforeAnyFire() {
        assertThat(meters.find("polysync.scheduler.fires").counters()).hasSize(2).allMatch(c -> c.count() == 0);
        assertThat(meters.find("polysync.scheduler.missed.fires").counters()).hasSize(3);
        assertThat(meters.get("polysync.scheduler.fire.lateness").timer().count()).isZero();
        assertThat(meters.get("polysync.scheduler.schedules").gauge().value()).isZero();
    }

    private double fired(String outcome) {
        return meters.get("polysync.scheduler.fires").tag("outcome", outcome).counter().count();
    }

    private double fires() {
        return meters.find("polysync.scheduler.fires").counters().stream().mapToDouble(c -> c.count()).sum();
    }

    private double missed() {
        return meters.find("polysync.scheduler.missed.fires").counters().stream().mapToDouble(c -> c.count()).sum();
    }

    private static ArmedSchedule schedule(String cron, MisfirePolicy policy, int limit, Instant firedThrough) {
        return schedule(cron, policy, limit, firedThrough, 0);
    }

    private static ArmedSchedule schedule(String cron, MisfirePolicy policy, int limit, Instant firedThrough,
                                          int partition) {
        return new ArmedSchedule(UUID.randomUUID(), UUID.randomUUID(), CronSchedule.parse(cron, "UTC"), policy, limit,
                firedThrough, partition);
    }

    private static ArmedSchedule schedule(UUID task, String cron, Instant firedThrough) {
        return new ArmedSchedule(task, UUID.randomUUID(), CronSchedule.parse(cron, "UTC"), MisfirePolicy.FIRE_ONCE,
                0, firedThrough, 0);
    }

    private static DefinitionChange defined(UUID task, long version) {
        return DefinitionChange.of(new TaskDefinitionChanged(task, "t", version,
                Tasks.task(task, version, List.of(), null), T0), 0);
    }

    /** Keeps last-fire state per schedule as the database does, and records what it published. */
    private static final class FakeStore implements ScheduleStore {
        final Map<Integer, List<ArmedSchedule>> partitions = new HashMap<>();
        final Map<UUID, Instant> state = new HashMap<>();
        final List<Instant> fired = new ArrayList<>();
        final List<UUID> firedSchedules = new ArrayList<>();
        List<ArmedSchedule> onDefinition = List.of();
        boolean failNext;
        int fireCalls;

        void assign(int partition, ArmedSchedule schedule) {
            partitions.computeIfAbsent(partition, p -> new ArrayList<>()).add(schedule);
            state.put(schedule.scheduleId(), schedule.firedThrough());
        }

        @Override
        public List<ArmedSchedule> loadPartitions(Collection<Integer> owned) {
            return owned.stream().flatMap(p -> partitions.getOrDefault(p, List.of()).stream()).toList();
        }

        @Override
        public Map<UUID, List<ArmedSchedule>> definitionsChanged(List<DefinitionChange> changes,
                                                                 Map<UUID, TaskSnapshot> inForce) {
            Map<UUID, List<ArmedSchedule>> armed = new HashMap<>();
            for (DefinitionChange change : changes) {
                if (change.deleted()) {
                    partitions.values().forEach(list -> list.stream().filter(s -> s.taskId().equals(change.taskId()))
                            .forEach(s -> state.remove(s.scheduleId())));
                }
                if (change.definition() != null) {
                    onDefinition.forEach(s -> state.putIfAbsent(s.scheduleId(), s.firedThrough()));
                    armed.put(change.taskId(), onDefinition);
                }
            }
            return armed;
        }

        @Override
        public List<FireResult> fire(List<Due> due) {
            fireCalls++;
            if (failNext) {
                failNext = false;
                throw new IllegalStateException("database unavailable");
            }
            return due.stream().map(d -> fire(d.scheduleId(), d.instants())).toList();
        }

        private FireResult fire(UUID scheduleId, List<Instant> instants) {
            Instant through = state.get(scheduleId);
            if (through == null) {
                return FireResult.scheduleGone();
            }
            List<Instant> toFire = instants.stream().filter(i -> i.isAfter(through)).toList();
            fired.addAll(toFire);
            toFire.forEach(i -> firedSchedules.add(scheduleId));
            Instant last = toFire.isEmpty() ? through : toFire.get(toFire.size() - 1);
            state.put(scheduleId, last);
            return new FireResult(false, toFire, last);
        }
    }
}
