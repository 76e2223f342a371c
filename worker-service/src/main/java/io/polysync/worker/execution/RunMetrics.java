package io.polysync.worker.execution;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.polysync.model.run.FailureReason;
import io.polysync.runtime.metrics.JobTypeTag;

import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Runs executed by this worker: busy and configured run slots, runs finished by outcome, failure reason and job type,
 * and how long they executed. Every series of the built-in job types exists at zero from start-up so dashboards find
 * it before a run (DESIGN.md section 10 rule 26).
 */
final class RunMetrics {

    static final String SUCCEEDED = "succeeded";
    static final String FAILED = "failed";
    static final String CANCELLED = "cancelled";
    static final String ABANDONED = "abandoned";
    private static final String NONE = "none";

    private final MeterRegistry meters;
    private final AtomicInteger busy = new AtomicInteger();
    private final Map<String, Counter> runs = new ConcurrentHashMap<>();
    private final Map<String, Timer> durations = new ConcurrentHashMap<>();

    RunMetrics(MeterRegistry meters, int slots) {
        this.meters = meters;
        Gauge.builder("polysync.worker.slots.busy", busy, AtomicInteger::get)
                .description("Run slots executing a run now")
                .register(meters);
        Gauge.builder("polysync.worker.slots.capacity", () -> slots)
                .description("Run slots configured (polysync.worker.concurrency)")
                .register(meters);
        for (String jobType : JobTypeTag.KNOWN) {
            runs(SUCCEEDED, NONE, jobType);
            for (FailureReason reason : FailureReason.values()) {
                runs(FAILED, reason.name(), jobType);
            }
            runs(CANCELLED, NONE, jobType);
            runs(ABANDONED, NONE, jobType);
            for (String outcome : new String[] {SUCCEEDED, FAILED, CANCELLED, ABANDONED}) {
                duration(outcome, jobType);
            }
        }
    }

    void started() {
        busy.incrementAndGet();
    }

    void finished(String jobType, JobResult result, Duration took) {
        if (result instanceof JobResult.Failure failure) {
            ended(FAILED, failure.error().reason().name(), jobType, took);
        } else {
            ended(SUCCEEDED, NONE, jobType, took);
        }
    }

    /** Stopped on request; reported as cancelled. */
    void cancelled(String jobType, Duration took) {
        ended(CANCELLED, NONE, jobType, took);
    }

    /** The worker stopped before the outcome could be reported. */
    void abandoned(String jobType, Duration took) {
        ended(ABANDONED, NONE, jobType, took);
    }

    private void ended(String outcome, String reason, String jobType, Duration took) {
        busy.decrementAndGet();
        String tag = JobTypeTag.of(jobType);
        runs(outcome, reason, tag).increment();
        duration(outcome, tag).record(took.isNegative() ? Duration.ZERO : took);
    }

    private Counter runs(String outcome, String reason, String jobType) {
        String key = outcome + "|" + reason + "|" + jobType;
        return runs.computeIfAbsent(key, k -> Counter.builder("polysync.worker.runs")
                .description("Runs this worker finished, by outcome, failure reason and job type")
                .tag("outcome", outcome)
                .tag("reason", reason)
                .tag(JobTypeTag.KEY, jobType)
                .register(meters));
    }

    private Timer duration(String outcome, String jobType) {
        return durations.computeIfAbsent(outcome + "|" + jobType, key -> Timer.builder("polysync.worker.run.duration")
                .description("Execution time of runs on this worker, from the start report to the outcome")
                .tag("outcome", outcome)
                .tag(JobTypeTag.KEY, jobType)
                .publishPercentileHistogram()
                .register(meters));
    }
}
