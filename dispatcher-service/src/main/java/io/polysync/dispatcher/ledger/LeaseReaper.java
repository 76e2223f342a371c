package io.polysync.dispatcher.ledger;

import io.polysync.dispatcher.config.DispatcherProperties;
import io.polysync.model.run.FailureReason;
import io.polysync.model.run.RunError;
import io.polysync.model.run.RunState;
import io.polysync.runtime.PeriodicTimer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.context.SmartLifecycle;
import org.springframework.stereotype.Component;
import org.springframework.transaction.PlatformTransactionManager;
import org.springframework.transaction.support.TransactionTemplate;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.UUID;

/**
 * Leases (DESIGN.md section 10 rule 6): an admitted run no worker started within {@code start-timeout}, and a RUNNING
 * run whose last heartbeat (on this dispatcher's clock) is older than {@code lease-timeout}, are failed with
 * {@code {reason: LOST, retryable: true}}; their permits are freed and waiting runs re-checked. Each run is reaped in
 * its own transaction with its row locked {@code SKIP LOCKED}, and the condition is checked again under the lock, so
 * a report applied meanwhile wins. A later report from the worker is then rejected as on any finished run.
 *
 * <p>Both timeouts count from when this dispatcher began reading worker reports ({@link ReportReading}) at the
 * earliest: a dispatcher that was down, or was just handed the partitions, first reads what workers reported
 * meanwhile, instead of failing as LOST runs whose heartbeats are still waiting on the topic.
 */
@Component
public class LeaseReaper implements SmartLifecycle {

    private static final Logger log = LoggerFactory.getLogger(LeaseReaper.class);

    private final TaskRunRepository runs;
    private final RunJournal journal;
    private final RunAdmission admission;
    private final DispatcherProperties properties;
    private final TransactionTemplate tx;
    private final ReportReading reading;
    private final Clock clock;
    private final PeriodicTimer timer = new PeriodicTimer("lease-reaper", this::reapNow);

    public LeaseReaper(TaskRunRepository runs, RunJournal journal, RunAdmission admission,
                       DispatcherProperties properties, PlatformTransactionManager transactions,
                       ReportReading reading, Clock clock) {
        this.runs = runs;
        this.journal = journal;
        this.admission = admission;
        this.properties = properties;
        this.tx = new TransactionTemplate(transactions);
        this.reading = reading;
        this.clock = clock;
    }

    /** Fails every run whose start or lease deadline passed before {@code now}; says how many. */
    public int runOnce(Instant now) {
        Instant since = reading.since();
        if (since == null) {
            return 0; // not reading worker reports yet: their silence means nothing
        }
        Instant startedBefore = deadline(now, properties.startTimeout(), since);
        Instant heartbeatBefore = deadline(now, properties.leaseTimeout(), since);
        List<UUID> expired = runs.findExpiredLeases(startedBefore, heartbeatBefore);
        int reaped = 0;
        for (UUID runId : expired) {
            try {
                if (Boolean.TRUE.equals(tx.execute(status -> reap(runId, now, startedBefore, heartbeatBefore)))) {
                    reaped++;
                }
            } catch (RuntimeException e) {
                log.warn("failing run {} as LOST failed, the next pass tries again: {}", runId, e.toString());
            }
        }
        return reaped;
    }

    private boolean reap(UUID runId, Instant now, Instant startedBefore, Instant heartbeatBefore) {
        Optional<TaskRun> found = runs.findForUpdateSkipLocked(runId);
        if (found.isEmpty()) {
            return false;
        }
        TaskRun run = found.get();
        String message;
        if (run.state() == RunState.QUEUED && run.admittedAt() != null && run.admittedAt().isBefore(startedBefore)) {
            message = "no worker started the run within " + seconds(properties.startTimeout()) + " of admission";
        } else if (run.state() == RunState.RUNNING && run.lastHeartbeatAt() != null
                && run.lastHeartbeatAt().isBefore(heartbeatBefore)) {
            message = "worker " + run.claimedBy() + " sent no heartbeat for " + seconds(properties.leaseTimeout())
                    + ": lease expired";
        } else {
            return false;
        }
        RunState previous = run.state();
        RunError error = RunError.retryable(FailureReason.LOST, message);
        run.fail(null, error, now);
        journal.transition(run, previous, "lost: " + message, now);
        admission.finished(List.of(run));
        log.info("run {} of task {} failed as LOST: {}", run.runId(), run.taskName(), message);
        return true;
    }

    /**
     * Runs last heard of before the answer have timed out: {@code now - timeout}, once this dispatcher has read worker
     * reports for a whole {@code timeout}; before that, nothing has (a report could be waiting unread on the topic).
     */
    private static Instant deadline(Instant now, Duration timeout, Instant readingSince) {
        Instant before = now.minus(timeout);
        return readingSince.isBefore(before) ? before : Instant.EPOCH;
    }

    private static String seconds(Duration duration) {
        return duration.toMillis() % 1000 == 0 ? duration.toSeconds() + "s" : duration.toMillis() + "ms";
    }

    private void reapNow() {
        runOnce(clock.instant());
    }

    @Override
    public void start() {
        timer.start(properties.recheckInterval(), properties.recheckInterval());
    }

    @Override
    public void stop() {
        timer.stop();
    }

    @Override
    public boolean isRunning() {
        return timer.isRunning();
    }
}
