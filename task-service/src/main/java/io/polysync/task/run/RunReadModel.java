package io.polysync.task.run;

import io.polysync.model.event.RetryScheduled;
import io.polysync.model.event.RunEvent;
import io.polysync.model.event.RunStateChanged;
import io.polysync.model.event.RunWaiting;
import io.polysync.model.run.RunState;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.stereotype.Service;
import org.springframework.transaction.annotation.Transactional;

import java.time.Clock;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.UUID;

/**
 * Keeps the read model of runs in step with {@code polysync.run-events}. Events arrive at least once and may be
 * replayed; applying one twice, or an older one after a newer, leaves the model as it was.
 */
@Service
public class RunReadModel {

    private static final Logger log = LoggerFactory.getLogger(RunReadModel.class);

    private final TaskRunRepository runs;
    private final RunHistoryRepository history;
    private final Clock clock;

    public RunReadModel(TaskRunRepository runs, RunHistoryRepository history, Clock clock) {
        this.runs = runs;
        this.history = history;
        this.clock = clock;
    }

    @Transactional
    public void on(RunEvent event) {
        if (event instanceof RunStateChanged changed) {
            on(changed);
        } else if (event instanceof RetryScheduled retry) {
            on(retry);
        } else if (event instanceof RunWaiting waiting) {
            on(waiting);
        }
    }

    /**
     * A new reason why a queued run waits: shown as its {@code waitingReason} and recorded once as a WAITING entry.
     * An event no newer than the run's latest WAITING entry is a replay (or overtaken) and changes nothing; the
     * database keeps microseconds, so the comparison does too.
     */
    private void on(RunWaiting event) {
        TaskRun run = runs.findById(event.runId()).orElse(null);
        if (run == null) {
            log.warn("run {} waits, but this read model does not know it", event.runId());
            return;
        }
        Instant now = clock.instant();
        Instant at = (event.occurredAt() != null ? event.occurredAt() : now).truncatedTo(ChronoUnit.MICROS);
        boolean stale = history.findFirstByRunIdAndKindOrderByIdDesc(run.runId(), HistoryKind.WAITING)
                .map(latest -> !at.isAfter(latest.at())).orElse(false);
        if (!stale && run.waitingFor(event.reason(), now)) {
            history.save(RunHistoryEntry.waiting(run.runId(), event.reason(), at));
        }
    }

    private void on(RunStateChanged event) {
        Instant now = clock.instant();
        TaskRun run = runs.findById(event.runId()).orElse(null);
        if (run == null) {
            runs.saveAndFlush(TaskRun.from(event, now));
            recordOnce(event);
            if (event.retryOf() != null) {
                runs.findById(event.retryOf()).ifPresent(previous -> previous.retriedBy(event.runId(), now));
            }
        } else {
            run.learnParameters(event, now);
            if (run.advance(event, now)) {
                recordOnce(event);
            } else {
                log.debug("run {} is {}; ignoring {} event", run.runId(), run.state(), event.state());
            }
        }
    }

    private void on(RetryScheduled event) {
        TaskRun run = runs.findById(event.runId()).orElse(null);
        if (run == null) {
            log.warn("retry scheduled for run {} which this read model does not know", event.runId());
            return;
        }
        run.retryScheduled(event.retryRunId(), event.dueAt(), clock.instant());
    }

    private void recordOnce(RunStateChanged event) {
        UUID runId = event.runId();
        RunState state = event.state();
        if (!history.existsByRunIdAndState(runId, state)) {
            Instant at = event.occurredAt() != null ? event.occurredAt() : clock.instant();
            history.save(RunHistoryEntry.transition(runId, state, at, event.reason()));
        }
    }
}
