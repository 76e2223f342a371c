package io.polysync.scheduler.schedule;

import io.polysync.model.cron.CronSchedule;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;

/**
 * What one schedule fires when the timer reaches it (DESIGN.md section 10 rule 19): every due instant at most
 * {@code misfireThreshold} late fires; older ones are missed, and the task's misfire policy picks which of them still
 * fire — {@code FIRE_ONCE} the latest, {@code CATCH_UP} the latest {@code catchUpLimit}, {@code SKIP} none
 * ({@link io.polysync.model.task.MisfirePolicy}).
 *
 * @param toFire ascending
 * @param missed how many instants were more than the threshold late (counted up to {@link #SCAN_LIMIT})
 */
record FirePlan(List<Instant> toFire, long missed) {

    /** Missed instants counted one by one; beyond this the latest ones are found from the cutoff backwards. */
    static final int SCAN_LIMIT = 100_000;

    /**
     * @param firstDue the schedule's first unfired instant (at or before {@code now})
     */
    static FirePlan at(ArmedSchedule schedule, Instant firstDue, Instant now, Duration misfireThreshold) {
        CronSchedule cron = schedule.cron();
        Instant cutoff = now.minus(misfireThreshold);
        int keep = switch (schedule.misfirePolicy()) {
            case SKIP -> 0;
            case FIRE_ONCE -> 1;
            case CATCH_UP -> Math.max(schedule.catchUpLimit(), 0);
        };
        List<Instant> toFire = new ArrayList<>();
        long missed = 0;
        Instant instant = firstDue;
        if (instant.isBefore(cutoff)) {
            ArrayDeque<Instant> latest = new ArrayDeque<>();
            while (instant != null && instant.isBefore(cutoff) && missed < SCAN_LIMIT) {
                missed++;
                if (keep > 0) {
                    latest.addLast(instant);
                    if (latest.size() > keep) {
                        latest.removeFirst();
                    }
                }
                instant = cron.next(instant).orElse(null);
            }
            if (instant != null && instant.isBefore(cutoff)) {
                latest = new ArrayDeque<>(latestBefore(cron, instant, cutoff, keep));
                instant = cron.next(cutoff.minusNanos(1)).orElse(null);
            }
            toFire.addAll(latest);
        }
        while (instant != null && !instant.isAfter(now)) {
            toFire.add(instant);
            instant = cron.next(instant).orElse(null);
        }
        return new FirePlan(List.copyOf(toFire), missed);
    }

    /** The latest {@code keep} instants in [{@code from}, {@code cutoff}), searched in doubling windows. */
    private static List<Instant> latestBefore(CronSchedule cron, Instant from, Instant cutoff, int keep) {
        if (keep == 0) {
            return List.of();
        }
        Duration window = Duration.ofMinutes(1);
        while (true) {
            Instant start = cutoff.minus(window).isAfter(from) ? cutoff.minus(window) : from;
            List<Instant> found = new ArrayList<>();
            Instant instant = cron.next(start.minusNanos(1)).orElse(null);
            while (instant != null && instant.isBefore(cutoff)) {
                found.add(instant);
                instant = cron.next(instant).orElse(null);
            }
            if (found.size() >= keep || start.equals(from)) {
                return found.subList(Math.max(0, found.size() - keep), found.size());
            }
            window = window.multipliedBy(2);
        }
    }
}
