package io.polysync.dispatcher.ledger;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.polysync.model.run.FailureReason;
import io.polysync.model.run.RunError;
import io.polysync.model.run.RunState;
import io.polysync.model.run.TriggerType;
import io.polysync.runtime.metrics.AfterCommit;
import io.polysync.runtime.metrics.JobTypeTag;
import org.springframework.stereotype.Component;

import java.time.Duration;
import java.time.Instant;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The run ledger's meters, moved once the transaction that made the transition committed. Every series of the known
 * enums exists at zero from start-up (DESIGN.md section 10 rule 26). Latencies come from the instants the ledger keeps:
 * trigger to RUNNING is queued_at (when the trigger was requested) to started_at; the dependency hand-off is the
 * parent's finish to the child's start; durations are started_at to finished_at.
 */
@Component
public class RunMetrics {

    private static final RunState[] TERMINAL = {RunState.SUCCEEDED, RunState.FAILED, RunState.CANCELLED};

    private final MeterRegistry meters;
    private final Map<RunState, Map<TriggerType, Counter>> transitions = new EnumMap<>(RunState.class);
    private final Map<FailureReason, Counter> failed = new EnumMap<>(FailureReason.class);
    private final Map<TriggerType, Timer> triggerToRunning = new EnumMap<>(TriggerType.class);
    private final Timer dependencyHandoff;
    private final Map<String, Timer> durations = new ConcurrentHashMap<>();
    private final Map<Verdict.RejectReason, Counter> rejected = new EnumMap<>(Verdict.RejectReason.class);

    public RunMetrics(MeterRegistry meters) {
        this.meters = meters;
        for (RunState state : RunState.values()) {
            Map<TriggerType, Counter> byType = new EnumMap<>(TriggerType.class);
            for (TriggerType type : TriggerType.values()) {
                byType.put(type, Counter.builder("polysync.runs.transitions")
                        .description("Runs entering each state (QUEUED = created)")
                        .tag("state", state.name()).tag("trigger_type", type.name())
                        .register(meters));
            }
            transitions.put(state, byType);
        }
        for (FailureReason reason : FailureReason.values()) {
            failed.put(reason, Counter.builder("polysync.runs.failed")
                    .description("Runs that ended FAILED, by error reason")
                    .tag("reason", reason.name())
                    .register(meters));
        }
        for (TriggerType type : TriggerType.values()) {
            triggerToRunning.put(type, Timer.builder("polysync.runs.trigger.to.running")
                    .description("From the trigger (run QUEUED) to RUNNING")
                    .tag("trigger_type", type.name())
                    .publishPercentileHistogram()
                    .register(meters));
        }
        dependencyHandoff = Timer.builder("polysync.runs.dependency.handoff")
                .description("From the parent's success to the DEPENDENCY run's start")
                .publishPercentileHistogram()
                .register(meters);
        for (String jobType : JobTypeTag.KNOWN) {
            for (RunState state : TERMINAL) {
                duration(jobType, state);
            }
        }
        for (Verdict.RejectReason reason : Verdict.RejectReason.values()) {
            rejected.put(reason, Counter.builder("polysync.reports.rejected")
                    .description("Worker reports rejected (not the claim holder, or the run already finished)")
                    .tag("reason", reason.name())
                    .register(meters));
        }
    }

    /** {@code run} just moved from {@code previous} (null when created) to its current state. */
    void transitioned(TaskRun run, RunState previous) {
        RunState state = run.state();
        TriggerType type = run.triggerType();
        Map<Timer, Duration> timings = new HashMap<>();
        FailureReason reason = null;
        if (state == RunState.RUNNING) {
            between(run.queuedAt(), run.startedAt()).ifPresent(d -> timings.put(triggerToRunning.get(type), d));
            if (type == TriggerType.DEPENDENCY) {
                between(run.parentSucceededAt(), run.startedAt()).ifPresent(d -> timings.put(dependencyHandoff, d));
            }
        } else if (state.isTerminal()) {
            between(run.startedAt(), run.finishedAt())
                    .ifPresent(d -> timings.put(duration(JobTypeTag.of(run.jobType()), state), d));
            if (state == RunState.FAILED) {
                RunError error = run.error();
                reason = error == null || error.reason() == null ? FailureReason.EXECUTION_FAILED : error.reason();
            }
        }
        FailureReason failure = reason;
        AfterCommit.run(() -> {
            transitions.get(state).get(type).increment();
            if (failure != null) {
                failed.get(failure).increment();
            }
            timings.forEach(Timer::record);
        });
    }

    void rejected(Verdict.RejectReason reason) {
        AfterCommit.run(() -> rejected.get(reason).increment());
    }

    private Timer duration(String jobType, RunState state) {
        return durations.computeIfAbsent(jobType + "|" + state, key -> Timer.builder("polysync.runs.duration")
                .description("From RUNNING to the terminal state, by job type")
                .tag(JobTypeTag.KEY, jobType).tag("state", state.name())
                .publishPercentileHistogram()
                .register(meters));
    }

    private static Optional<Duration> between(Instant from, Instant to) {
        if (from == null || to == null) {
            return Optional.empty();
        }
        Duration d = Duration.between(from, to);
        return Optional.of(d.isNegative() ? Duration.ZERO : d);
    }
}
