package io.polysync.task.definition;

import io.polysync.model.cron.CronSchedule;
import io.polysync.model.task.RetryPolicy;
import io.polysync.model.task.ScheduleSnapshot;
import io.polysync.model.task.TaskSnapshot;
import io.polysync.task.validation.Errors;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

/**
 * What a schedule or a retry policy will do, computed by the same common-model code the scheduler runs
 * (DESIGN.md section 10 rule 15), for definitions saved or not.
 */
public final class Previews {

    static final int DEFAULT_COUNT = 10;
    public static final int MAX_COUNT = 100;
    /** A preview lists at most this many retries; {@code totalRetries} tells how many the policy allows. */
    static final int MAX_RETRIES_SHOWN = 100;

    /** The body of {@code POST /api/v1/schedule-preview}. */
    public record ScheduleRequest(List<TaskRequest.Schedule> schedules, Integer count) {
    }

    public record ScheduleAnswer(List<Instant> fireTimes) {
    }

    /** The body of {@code POST /api/v1/retry-preview}: the task's {@code retry} block. */
    public record RetryRequest(TaskRequest.Retry retry) {
    }

    /**
     * @param delaySeconds    the delay before this retry as the policy computes it, without jitter
     * @param minDelaySeconds with jitter, the shortest delay the random spread can give (half of it); else null
     * @param maxDelaySeconds with jitter, the longest (the un-jittered delay itself); else null
     */
    public record Delay(int retry, long delaySeconds, Double minDelaySeconds, Double maxDelaySeconds) {
    }

    /**
     * @param jitter       whether real delays are spread randomly between each entry's min and max
     * @param totalRetries how many retries the policy allows (only the first {@value #MAX_RETRIES_SHOWN} are listed)
     */
    public record RetryAnswer(boolean enabled, boolean jitter, int totalRetries, List<Delay> delays) {
    }

    private Previews() {
    }

    /** @throws io.polysync.task.validation.InvalidRequestException naming {@code count} */
    public static int count(Integer count) {
        int n = count == null ? DEFAULT_COUNT : count;
        if (n < 1 || n > MAX_COUNT) {
            Errors errors = new Errors();
            errors.add("count", "must be between 1 and " + MAX_COUNT);
            errors.throwIfAny();
        }
        return n;
    }

    /** @throws io.polysync.task.validation.InvalidRequestException naming each bad schedule field */
    public static ScheduleAnswer schedules(ScheduleRequest request, Instant now) {
        Errors errors = new Errors();
        int n = request.count() == null ? DEFAULT_COUNT : request.count();
        if (n < 1 || n > MAX_COUNT) {
            errors.add("count", "must be between 1 and " + MAX_COUNT);
        }
        if (request.schedules() == null || request.schedules().isEmpty()) {
            errors.add("schedules", "must list at least one {cron, timeZone}");
        }
        List<TaskValidator.ValidSchedule> valid = TaskValidator.schedules(request.schedules(), errors);
        errors.throwIfAny();
        return new ScheduleAnswer(fireTimes(valid.stream().map(s -> CronSchedule.parse(s.cron(), s.timeZone()))
                .toList(), n, now));
    }

    public static ScheduleAnswer schedules(TaskSnapshot task, int count, Instant now) {
        List<CronSchedule> crons = new ArrayList<>();
        for (ScheduleSnapshot s : task.schedules()) {
            crons.add(CronSchedule.parse(s.cron(), s.timeZone()));
        }
        return new ScheduleAnswer(fireTimes(crons, count, now));
    }

    /** Each schedule fires on its own, so two at the same instant are two fires. */
    private static List<Instant> fireTimes(List<CronSchedule> schedules, int count, Instant now) {
        List<Instant> all = new ArrayList<>();
        for (CronSchedule schedule : schedules) {
            all.addAll(schedule.nextFires(count, now));
        }
        all.sort(Comparator.naturalOrder());
        return List.copyOf(all.subList(0, Math.min(count, all.size())));
    }

    /** @throws io.polysync.task.validation.InvalidRequestException naming each bad retry field */
    public static RetryAnswer retry(RetryRequest request) {
        Errors errors = new Errors();
        if (request.retry() == null) {
            errors.add("retry", "is required: {enabled, maxRetryAttempts, backoff, initialDelaySeconds, "
                    + "maxDelaySeconds, jitter}");
            errors.throwIfAny();
        }
        RetryPolicy policy = TaskValidator.retry(request.retry(), errors);
        errors.throwIfAny();
        return retry(policy);
    }

    static RetryAnswer retry(RetryPolicy policy) {
        List<Delay> delays = new ArrayList<>();
        int shown = policy.enabled() ? Math.min(policy.maxRetryAttempts(), MAX_RETRIES_SHOWN) : 0;
        for (int n = 1; n <= shown; n++) {
            Duration delay = policy.delayBeforeRetry(n);
            Double min = null;
            Double max = null;
            if (policy.jitter()) {
                long millis = delay.toMillis();
                min = (millis / 2) / 1000.0;
                max = millis / 1000.0;
            }
            delays.add(new Delay(n, delay.toSeconds(), min, max));
        }
        return new RetryAnswer(policy.enabled(), policy.jitter(), policy.enabled() ? policy.maxRetryAttempts() : 0,
                delays);
    }
}
