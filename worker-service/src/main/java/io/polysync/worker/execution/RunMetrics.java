package io.polysync.worker.execution;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.polysync.model.run.FailureReason;

import java.util.EnumMap;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;

/** Runs executed by this worker; every series exists at zero from start-up so dashboards find it before a run. */
final class RunMetrics {

    private final AtomicInteger active = new AtomicInteger();
    private final Counter succeeded;
    private final Map<FailureReason, Counter> failed = new EnumMap<>(FailureReason.class);
    private final Counter abandoned;
    private final Counter cancelled;

    RunMetrics(MeterRegistry meters) {
        meters.gauge("polysync.worker.runs.active", active);
        succeeded = outcome(meters, "succeeded", "none");
        for (FailureReason reason : FailureReason.values()) {
            failed.put(reason, outcome(meters, "failed", reason.name()));
        }
        abandoned = outcome(meters, "abandoned", "none");
        cancelled = outcome(meters, "cancelled", "none");
    }

    private static Counter outcome(MeterRegistry meters, String outcome, String reason) {
        return Counter.builder("polysync.worker.runs")
                .description("Runs this worker finished, by outcome and failure reason")
                .tag("outcome", outcome)
                .tag("reason", reason)
                .register(meters);
    }

    void started() {
        active.incrementAndGet();
    }

    void finished(JobResult result) {
        active.decrementAndGet();
        if (result instanceof JobResult.Failure failure) {
            failed.get(failure.error().reason()).increment();
        } else {
            succeeded.increment();
        }
    }

    /** Stopped on request; reported as cancelled. */
    void cancelled() {
        active.decrementAndGet();
        cancelled.increment();
    }

    /** The worker stopped before the outcome could be reported. */
    void abandoned() {
        active.decrementAndGet();
        abandoned.increment();
    }
}
