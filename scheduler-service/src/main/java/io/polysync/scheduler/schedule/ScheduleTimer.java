package io.polysync.scheduler.schedule;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.polysync.model.task.MisfirePolicy;
import io.polysync.model.task.TaskSnapshot;
import io.polysync.scheduler.config.SchedulerProperties;
import io.polysync.scheduler.tasks.DefinitionChange;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.context.SmartLifecycle;
import org.springframework.stereotype.Component;
import org.springframework.transaction.support.TransactionSynchronization;
import org.springframework.transaction.support.TransactionSynchronizationManager;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.PriorityQueue;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;

/**
 * Fires the cron schedules of the tasks this replica owns. Each schedule is one entry in a priority queue ordered by
 * its next fire instant; one thread sleeps until the earliest entry is due, so schedules cost nothing while they are
 * not due. Ownership follows the partitions of {@code polysync.task-definitions} assigned to this replica: their
 * tasks are loaded on assignment and dropped on revocation; a brief overlap between replicas is harmless because
 * firing locks the schedule's state row and trigger ids are derived from schedule and instant.
 *
 * <p>An entry whose instant is already past when it is loaded or reached (after downtime, or a stall) goes through
 * the misfire policy ({@link FirePlan}).
 */
@Component
public class ScheduleTimer implements SmartLifecycle {

    private static final Logger log = LoggerFactory.getLogger(ScheduleTimer.class);

    /** How long a failed fire (database down, say) waits before it is tried again. */
    private static final Duration RETRY_DELAY = Duration.ofSeconds(1);
    /** The longest the thread sleeps without looking at the queue head (guards against wall-clock jumps). */
    private static final Duration MAX_SLEEP = Duration.ofSeconds(10);
    /** Schedules fired per transaction when many are due at once. */
    static final int FIRE_CHUNK = 500;

    private final ScheduleStore store;
    private final Clock clock;
    private final Duration misfireThreshold;
    private final Counter firedOnTime;
    private final Counter firedAfterMisfire;
    private final Map<MisfirePolicy, Counter> missed = new EnumMap<>(MisfirePolicy.class);
    private final Timer lateness;

    private final ReentrantLock lock = new ReentrantLock();
    private final Condition changed = lock.newCondition();
    private final PriorityQueue<Entry> queue = new PriorityQueue<>(Comparator.comparing((Entry e) -> e.checkAt));
    private final Map<UUID, List<Entry>> byTask = new HashMap<>();
    private final Map<Integer, Set<UUID>> tasksByPartition = new HashMap<>();
    private final Set<Integer> ownedPartitions = new HashSet<>();
    private int held;

    private volatile boolean running;
    private Thread thread;

    @Autowired
    public ScheduleTimer(ScheduleStore store, SchedulerProperties properties, Clock clock, MeterRegistry meters) {
        this(store, properties.misfireThreshold(), clock, meters);
    }

    ScheduleTimer(ScheduleStore store, Duration misfireThreshold, Clock clock, MeterRegistry meters) {
        this.store = store;
        this.clock = clock;
        this.misfireThreshold = misfireThreshold;
        this.firedOnTime = fires(meters, "ON_TIME");
        this.firedAfterMisfire = fires(meters, "MISFIRE_FIRED");
        for (MisfirePolicy policy : MisfirePolicy.values()) {
            missed.put(policy, Counter.builder("polysync.scheduler.missed.fires")
                    .description("Fire instants more than the misfire threshold late, by the task's misfire policy")
                    .tag("policy", policy.name())
                    .register(meters));
        }
        this.lateness = Timer.builder("polysync.scheduler.fire.lateness")
                .description("From a fire instant to its trigger committed to the outbox")
                .publishPercentileHistogram()
                .register(meters);
        Gauge.builder("polysync.scheduler.schedules", this, ScheduleTimer::held)
                .description("Schedule timers this replica holds")
                .register(meters);
    }

    private static Counter fires(MeterRegistry meters, String outcome) {
        return Counter.builder("polysync.scheduler.fires")
                .description("Schedule triggers published: on time, or fired by the misfire policy after a miss")
                .tag("outcome", outcome)
                .register(meters);
    }

    /** Loads and arms the tasks of newly owned definition partitions. */
    public void partitionsAssigned(Collection<Integer> partitions) {
        Set<Integer> added = new HashSet<>();
        lock.lock();
        try {
            for (Integer partition : partitions) {
                if (ownedPartitions.add(partition)) {
                    added.add(partition);
                }
            }
        } finally {
            lock.unlock();
        }
        if (added.isEmpty()) {
            return;
        }
        long started = System.nanoTime();
        List<ArmedSchedule> schedules = store.loadPartitions(added);
        Map<UUID, List<ArmedSchedule>> tasks = new HashMap<>();
        for (ArmedSchedule s : schedules) {
            tasks.computeIfAbsent(s.taskId(), id -> new ArrayList<>()).add(s);
        }
        lock.lock();
        try {
            tasks.forEach((task, list) -> {
                if (ownedPartitions.contains(list.get(0).partition())) {
                    replace(task, list);
                }
            });
            changed.signalAll();
        } finally {
            lock.unlock();
        }
        log.info("definition partitions {} assigned: {} schedules armed in {} ms", added, schedules.size(),
                TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - started));
    }

    /** Drops the timers of tasks on partitions this replica no longer owns. */
    public void partitionsRevoked(Collection<Integer> partitions) {
        lock.lock();
        try {
            for (Integer partition : partitions) {
                ownedPartitions.remove(partition);
                Set<UUID> tasks = tasksByPartition.remove(partition);
                if (tasks != null) {
                    tasks.forEach(this::cancel);
                }
            }
        } finally {
            lock.unlock();
        }
    }

    /**
     * A poll of definition changes, inside the transaction that applies them: the schedule state is written now, and
     * the tasks' timers are replaced once that transaction commits — a rolled-back poll leaves them as they were.
     *
     * @param inForce each defined task's definition now in force (the newest the catalog holds)
     */
    public void definitionsChanged(List<DefinitionChange> changes, Map<UUID, TaskSnapshot> inForce) {
        if (changes.isEmpty()) {
            return;
        }
        Map<UUID, List<ArmedSchedule>> armed = store.definitionsChanged(changes, inForce);
        Runnable arm = () -> {
            lock.lock();
            try {
                for (DefinitionChange change : changes) {
                    if (change.definition() != null) {
                        ownedPartitions.add(change.partition());
                        replace(change.taskId(), armed.getOrDefault(change.taskId(), List.of()));
                    } else {
                        cancel(change.taskId());
                    }
                }
                changed.signalAll();
            } finally {
                lock.unlock();
            }
        };
        if (TransactionSynchronizationManager.isSynchronizationActive()) {
            TransactionSynchronizationManager.registerSynchronization(new TransactionSynchronization() {
                @Override
                public void afterCommit() {
                    arm.run();
                }
            });
        } else {
            arm.run();
        }
    }

    /**
     * Fires every entry due at {@code now} and re-arms it; the timer thread calls this with the clock's instant, tests
     * with any instant. All entries due are taken from the queue together and fired in chunks of {@link #FIRE_CHUNK},
     * one transaction each, so the 10,000 schedules of one minute cost tens of transactions, not 10,000. Returns how
     * many entries it processed.
     */
    public int runOnce(Instant now) {
        int processed = 0;
        while (true) {
            List<Entry> due = new ArrayList<>();
            lock.lock();
            try {
                while (!queue.isEmpty() && !queue.peek().checkAt.isAfter(now)) {
                    Entry entry = queue.poll();
                    if (!entry.cancelled) {
                        due.add(entry);
                    }
                }
            } finally {
                lock.unlock();
            }
            if (due.isEmpty()) {
                return processed;
            }
            process(due, now);
            processed += due.size();
        }
    }

    private void process(List<Entry> due, Instant now) {
        List<Entry> firing = new ArrayList<>();
        List<ScheduleStore.Due> requests = new ArrayList<>();
        for (Entry entry : due) {
            ArmedSchedule schedule = entry.schedule;
            FirePlan plan = FirePlan.at(schedule, entry.due, now, misfireThreshold);
            missed.get(schedule.misfirePolicy()).increment(plan.missed());
            if (plan.missed() > 0) {
                log.info("schedule {} of task {}: {} fire instants missed, {} policy fires {}", schedule.scheduleId(),
                        schedule.taskId(), plan.missed(), schedule.misfirePolicy(), plan.toFire().size());
            }
            if (plan.toFire().isEmpty()) {
                rearmAfter(entry, now);
            } else {
                firing.add(entry);
                requests.add(new ScheduleStore.Due(schedule.taskId(), schedule.scheduleId(), plan.toFire()));
            }
        }
        for (int from = 0; from < firing.size(); from += FIRE_CHUNK) {
            int to = Math.min(from + FIRE_CHUNK, firing.size());
            fireChunk(firing.subList(from, to), requests.subList(from, to), now);
        }
    }

    private void fireChunk(List<Entry> entries, List<ScheduleStore.Due> requests, Instant now) {
        List<ScheduleStore.FireResult> results;
        try {
            results = store.fire(requests);
        } catch (RuntimeException e) {
            log.warn("firing {} schedules failed, retrying each in {}: {}", entries.size(), RETRY_DELAY,
                    e.toString());
            entries.forEach(entry -> rearm(entry, entry.due, now.plus(RETRY_DELAY)));
            return;
        }
        Instant committed = clock.instant();
        for (int i = 0; i < entries.size(); i++) {
            Entry entry = entries.get(i);
            ScheduleStore.FireResult result = results.get(i);
            if (result.gone()) {
                drop(entry);
                continue;
            }
            countFired(result.fired(), now, committed);
            Instant firedThrough = now;
            if (result.firedThrough() != null && result.firedThrough().isAfter(firedThrough)) {
                firedThrough = result.firedThrough();
            }
            rearmAfter(entry, firedThrough);
        }
    }

    /** Arms the entry for its schedule's first instant after {@code firedThrough}; a schedule with none is dropped. */
    private void rearmAfter(Entry entry, Instant firedThrough) {
        entry.schedule.cron().next(firedThrough).ifPresentOrElse(next -> rearm(entry, next, next), () -> drop(entry));
    }

    private void drop(Entry entry) {
        lock.lock();
        try {
            entry.cancelled = true;
            List<Entry> entries = byTask.get(entry.schedule.taskId());
            if (entries != null && entries.remove(entry)) {
                held--;
            }
        } finally {
            lock.unlock();
        }
    }

    /** Instants older than the misfire cutoff were fired by the policy; lateness is taken after the commit. */
    private void countFired(List<Instant> fired, Instant now, Instant committed) {
        Instant cutoff = now.minus(misfireThreshold);
        for (Instant instant : fired) {
            (instant.isBefore(cutoff) ? firedAfterMisfire : firedOnTime).increment();
            Duration late = Duration.between(instant, committed);
            lateness.record(late.isNegative() ? Duration.ZERO : late);
        }
    }

    private void rearm(Entry entry, Instant due, Instant checkAt) {
        lock.lock();
        try {
            if (!entry.cancelled) {
                entry.due = due;
                entry.checkAt = checkAt;
                queue.add(entry);
            }
        } finally {
            lock.unlock();
        }
    }

    /** Call with the lock held. */
    private void replace(UUID taskId, List<ArmedSchedule> schedules) {
        cancel(taskId);
        List<Entry> entries = new ArrayList<>(schedules.size());
        for (ArmedSchedule schedule : schedules) {
            schedule.cron().next(schedule.firedThrough()).ifPresent(due -> {
                Entry entry = new Entry(schedule, due);
                entries.add(entry);
                queue.add(entry);
                tasksByPartition.computeIfAbsent(schedule.partition(), p -> new HashSet<>()).add(taskId);
            });
        }
        if (!entries.isEmpty()) {
            byTask.put(taskId, entries);
            held += entries.size();
        }
    }

    /** Call with the lock held. Cancelled entries leave the queue lazily, when they reach its head. */
    private void cancel(UUID taskId) {
        List<Entry> entries = byTask.remove(taskId);
        if (entries == null) {
            return;
        }
        for (Entry entry : entries) {
            entry.cancelled = true;
            Set<UUID> onPartition = tasksByPartition.get(entry.schedule.partition());
            if (onPartition != null) {
                onPartition.remove(taskId);
            }
        }
        held -= entries.size();
    }

    /** Schedule timers held (the {@code polysync.scheduler.schedules} gauge). */
    public int held() {
        lock.lock();
        try {
            return held;
        } finally {
            lock.unlock();
        }
    }

    /** The earliest instant this replica will look at next, if any (for tests and diagnostics). */
    Instant nextCheck() {
        lock.lock();
        try {
            while (!queue.isEmpty() && queue.peek().cancelled) {
                queue.poll();
            }
            return queue.isEmpty() ? null : queue.peek().checkAt;
        } finally {
            lock.unlock();
        }
    }

    @Override
    public void start() {
        running = true;
        thread = new Thread(this::loop, "schedule-timer");
        thread.setDaemon(true);
        thread.start();
    }

    @Override
    public void stop() {
        running = false;
        lock.lock();
        try {
            changed.signalAll();
        } finally {
            lock.unlock();
        }
        if (thread != null) {
            try {
                thread.join(5_000);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }

    @Override
    public boolean isRunning() {
        return running;
    }

    /** Starts before the Kafka listeners assign partitions and stops after they revoked them. */
    @Override
    public int getPhase() {
        return Integer.MAX_VALUE - 200;
    }

    private void loop() {
        while (running) {
            try {
                runOnce(clock.instant());
                awaitNextDue();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            } catch (RuntimeException e) {
                log.error("schedule timer failed; continuing", e);
            }
        }
    }

    private void awaitNextDue() throws InterruptedException {
        lock.lock();
        try {
            if (!running) {
                return;
            }
            Entry head = queue.peek();
            long nanos = MAX_SLEEP.toNanos();
            if (head != null) {
                nanos = Math.min(nanos, Duration.between(clock.instant(), head.checkAt).toNanos());
            }
            if (nanos > 0) {
                changed.awaitNanos(nanos);
            }
        } finally {
            lock.unlock();
        }
    }

    private static final class Entry {
        final ArmedSchedule schedule;
        /** The first instant of this schedule not yet fired or judged missed. */
        Instant due;
        /** When the timer looks at this entry next: {@link #due}, or later after a failed attempt. */
        Instant checkAt;
        boolean cancelled;

        Entry(ArmedSchedule schedule, Instant due) {
            this.schedule = schedule;
            this.due = due;
            this.checkAt = due;
        }
    }
}
