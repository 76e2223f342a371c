package io.polysync.bench;

import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Map;
import java.util.stream.IntStream;

/**
 * Scenario 4: cron accuracy. The scheduled fire instant is kept by the dispatcher as {@code task_run.scheduled_for}
 * (from the trigger's {@code scheduledFor}); lateness is that instant → the run recorded QUEUED (status history).
 * An early fire is a trigger whose own instant ({@code queued_at}, the scheduler's clock when it fired) or whose
 * QUEUED record lies before the scheduled instant.
 */
public final class CronScenario implements Scenario {

    @Override
    public String name() {
        return "cron";
    }

    @Override
    public void run(Context ctx) {
        everySecond(ctx);
        sameMinute(ctx);
    }

    private void everySecond(Context ctx) {
        Options o = ctx.options();
        String scenario = name() + " " + o.cronEverySecondTasks() + " tasks every second";
        List<String> names = IntStream.range(0, o.cronEverySecondTasks()).mapToObj(i -> "cs-" + i).toList();
        ctx.createTasks(scenario, names.stream().map(n -> PolysyncApi.noopTask(n, Map.of("schedules",
                List.of(Map.of("cron", "* * * * * *", "timeZone", "UTC"))))).toList());
        Instant from = Instant.now().plusSeconds(3).truncatedTo(ChronoUnit.SECONDS);
        Instant to = from.plus(o.cronWindow());
        Deployment.sleep(Duration.between(Instant.now(), to.plusSeconds(2)));
        ctx.deleteTasks(names);
        long expected = (long) names.size() * o.cronWindow().toSeconds();
        ctx.awaitCount(scenario + " fires recorded", () -> ctx.db().count(
                "SELECT count(*) FROM dispatcher.task_run WHERE task_name LIKE 'cs-%' "
                        + "AND scheduled_for >= ? AND scheduled_for < ?", ts(from), ts(to)), expected,
                o.drainTimeout());
        lateness(ctx, scenario, "cs-", from, to, expected);
    }

    private void sameMinute(Context ctx) {
        Options o = ctx.options();
        int count = o.cronMinuteTasks();
        String scenario = name() + " " + count + " tasks on one minute";
        // far enough ahead for the creation to finish at the rate the API has shown, on a whole minute
        double expectedCreation = count / Math.max(ctx.creationRate(), 1) * 1.5 + 20;
        Instant target = Instant.now().plusSeconds((long) expectedCreation).truncatedTo(ChronoUnit.MINUTES)
                .plus(Duration.ofMinutes(1));
        ZonedDateTime at = target.atZone(ZoneOffset.UTC);
        String cron = at.getMinute() + " " + at.getHour() + " * * *";
        System.out.println("    " + count + " tasks on cron '" + cron + "' UTC, fire at " + target);
        ctx.createTasks(scenario, IntStream.range(0, count).mapToObj(i -> PolysyncApi.noopTask("cm-" + i,
                Map.of("schedules", List.of(Map.of("cron", cron, "timeZone", "UTC"))))).toList());
        if (Instant.now().isAfter(target.minusSeconds(2))) {
            ctx.report().note(scenario + ": not measured, creating the tasks took until " + Instant.now()
                    + ", past the minute they were set for (" + target + "); lower --cron-minute-tasks or raise "
                    + "--create-concurrency");
            return;
        }
        Deployment.sleep(Duration.between(Instant.now(), target));
        ctx.awaitCount(scenario + " runs RUNNING", () -> ctx.db().count(
                "SELECT count(*) FROM dispatcher.task_run WHERE task_name LIKE 'cm-%' AND started_at IS NOT NULL"),
                count, o.drainTimeout());
        Instant end = Instant.now();
        lateness(ctx, scenario, "cm-", target, target.plusSeconds(1), count);
        List<Database.RunTimes> runs = ctx.db().runTimes("cm-");
        long running = runs.stream().filter(r -> r.runningRecorded() != null).count();
        Instant last = runs.stream().map(Database.RunTimes::runningRecorded)
                .filter(java.util.Objects::nonNull).max(Instant::compareTo).orElse(null);
        double allRunning = running < count || last == null ? Double.NaN : Rates.seconds(target, last);
        ctx.report().add(scenario, "fire instant → all " + count + " RUNNING", "cron.minute.all-running",
                allRunning, "s", running < count ? "only " + running + " of " + count + " RUNNING after "
                        + Rates.seconds(target, end) + " s" : null);
    }

    private void lateness(Context ctx, String scenario, String prefix, Instant from, Instant to, long expected) {
        Latency lateness = new Latency();
        long early = 0;
        long recorded = 0;
        Instant now = Instant.now();
        for (Database.RunTimes r : ctx.db().runTimes(prefix)) {
            if (r.scheduledFor() == null || r.scheduledFor().isBefore(from) || !r.scheduledFor().isBefore(to)) {
                continue;
            }
            recorded++;
            if (r.queuedAt().isBefore(r.scheduledFor())
                    || (r.queuedRecorded() != null && r.queuedRecorded().isBefore(r.scheduledFor()))) {
                early++;
            }
            if (r.queuedRecorded() != null) {
                lateness.record(r.scheduledFor(), r.queuedRecorded());
            } else {
                lateness.recordAtLeast(Duration.between(r.scheduledFor(), now));
            }
        }
        ctx.report().add(scenario, "lateness (fire instant → QUEUED recorded), p50", "cron.lateness.p50",
                lateness.percentileMillis(50), "ms", lateness.summary());
        ctx.report().add(scenario, "lateness, p99", "cron.lateness.p99", lateness.percentileMillis(99), "ms", null);
        ctx.report().add(scenario, "lateness, max", "cron.lateness.max", lateness.maxMillis(), "ms", null);
        ctx.report().add(scenario, "early fires", "cron.early", early, "fires", null);
        ctx.report().add(scenario, "fires missing (expected " + expected + ")", "cron.missed",
                Math.max(0, expected - recorded), "fires", null);
    }

    static java.time.OffsetDateTime ts(Instant instant) {
        return instant.atOffset(ZoneOffset.UTC);
    }
}
