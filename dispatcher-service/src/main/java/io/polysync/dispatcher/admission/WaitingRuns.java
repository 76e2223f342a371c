package io.polysync.dispatcher.admission;

import io.polysync.dispatcher.config.DispatcherProperties;
import io.polysync.dispatcher.definition.TaskDefinitions;
import io.polysync.dispatcher.ledger.TaskRun;
import io.polysync.dispatcher.ledger.TaskRunRepository;
import io.polysync.model.run.RunState;
import io.polysync.model.task.TaskSnapshot;
import io.polysync.runtime.PeriodicTimer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.context.SmartLifecycle;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.stereotype.Component;
import org.springframework.transaction.PlatformTransactionManager;
import org.springframework.transaction.event.TransactionPhase;
import org.springframework.transaction.event.TransactionalEventListener;
import org.springframework.transaction.support.TransactionTemplate;

import java.time.Clock;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Admits waiting runs from the database (DESIGN.md section 10 rule 21): whenever permits free (after the commit that
 * freed them) and every {@code recheck-interval} (rate windows expire, ageing reorders). Runs are taken in
 * {@link WaitingOrder}, each in its own transaction with its row locked {@code SKIP LOCKED}, so replicas share the
 * work without waiting on each other's runs; the gates themselves are locked as on any admission.
 */
@Component
public class WaitingRuns implements SmartLifecycle {

    private static final Logger log = LoggerFactory.getLogger(WaitingRuns.class);

    private final JdbcTemplate jdbc;
    private final TaskRunRepository runs;
    private final TaskDefinitions definitions;
    private final AdmissionController admission;
    private final DispatcherProperties properties;
    private final TransactionTemplate tx;
    private final Clock clock;
    private final AtomicBoolean wakePending = new AtomicBoolean();
    /** Counts releases about to commit; a pass that sees it move stops, so it never straddles a release. */
    private final AtomicLong releases = new AtomicLong();
    private final PeriodicTimer timer = new PeriodicTimer("admission-recheck", this::pass);

    WaitingRuns(JdbcTemplate jdbc, TaskRunRepository runs, TaskDefinitions definitions,
                AdmissionController admission, DispatcherProperties properties,
                PlatformTransactionManager transactions, Clock clock) {
        this.jdbc = jdbc;
        this.runs = runs;
        this.definitions = definitions;
        this.admission = admission;
        this.properties = properties;
        this.tx = new TransactionTemplate(transactions);
        this.clock = clock;
    }

    /**
     * Re-checks every waiting run once, in effective-priority order at {@code now}, and says how many it admitted.
     * Each run is decided at the clock's instant once it holds its gates' locks, not at {@code now}: a pass may
     * outlast the commit that freed a permit, and the ledger's admitted_at must never precede the finish it waited
     * for.
     */
    public int admitWaiting(Instant now) {
        long releasesAtStart = releases.get();
        List<WaitingOrder.Waiting> waiting = jdbc.query("SELECT run_id, priority, queued_at FROM task_run"
                        + " WHERE state = 'QUEUED' AND admitted_at IS NULL",
                (rs, i) -> new WaitingOrder.Waiting(rs.getObject(1, UUID.class), rs.getInt(2),
                        rs.getObject(3, OffsetDateTime.class).toInstant()));
        int admitted = 0;
        for (WaitingOrder.Waiting run : waiting.stream()
                .sorted(WaitingOrder.at(now, properties.ageingPerMinute())).toList()) {
            if (releases.get() != releasesAtStart) {
                // A permit was freed after higher-priority runs of this pass were found waiting: going on would hand
                // it to a lower one. Stop; the wake after that commit starts a fresh pass from the top.
                break;
            }
            try {
                Boolean result = tx.execute(status -> {
                    boolean admittedNow = recheck(run.runId());
                    if (admittedNow && releases.get() != releasesAtStart) {
                        // a release committed while this run was being decided: a higher run of this pass may now
                        // fit, so this admission is undone and the fresh pass decides
                        status.setRollbackOnly();
                        return null;
                    }
                    return admittedNow;
                });
                if (result == null) {
                    break;
                }
                if (result) {
                    admitted++;
                }
            } catch (RuntimeException e) {
                log.warn("re-checking waiting run {} failed, the next pass tries again: {}", run.runId(),
                        e.toString());
            }
        }
        if (admitted > 0) {
            log.debug("admitted {} of {} waiting runs", admitted, waiting.size());
        }
        return admitted;
    }

    private boolean recheck(UUID runId) {
        Optional<TaskRun> found = runs.findForUpdateSkipLocked(runId);
        if (found.isEmpty() || found.get().state() != RunState.QUEUED || found.get().admittedAt() != null) {
            return false;
        }
        TaskRun run = found.get();
        TaskSnapshot task = definitions.resolve(run.taskId(), run.definitionVersion()).task();
        return admission.admitOrWait(run, task, false);
    }

    /** Permits are about to be freed: a pass in progress must not go on with the order it computed before. */
    @TransactionalEventListener(phase = TransactionPhase.BEFORE_COMMIT)
    public void releasing(PermitsReleased released) {
        releases.incrementAndGet();
    }

    /** Permits were freed and committed: re-check at once rather than at the next tick. */
    @TransactionalEventListener
    public void on(PermitsReleased released) {
        wake();
    }

    private void wake() {
        if (timer.isRunning() && wakePending.compareAndSet(false, true)) {
            timer.runSoon(() -> {
                wakePending.set(false);
                pass();
            });
        }
    }

    private void pass() {
        try {
            admitWaiting(clock.instant());
        } catch (RuntimeException e) {
            log.warn("re-checking waiting runs failed, trying again: {}", e.toString());
        }
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
