package io.polysync.scheduler.retry;

import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.polysync.model.Topics;
import io.polysync.runtime.outbox.Outbox;
import io.polysync.runtime.outbox.OutboxRecord;
import io.polysync.scheduler.config.SchedulerProperties;
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
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;

/**
 * Publishes the RETRY trigger of each pending retry once it is due, never before. A timer thread sleeps until the
 * earliest due time it knows, and re-reads the table at least every {@code poll-interval} so retries stored by other
 * replicas are seen. Due rows are claimed with {@code FOR UPDATE SKIP LOCKED}; each trigger is appended to the outbox
 * and its row marked published in one transaction, so a retry is published at least once and is marked only with it.
 * Published rows are kept for {@link #PUBLISHED_KEPT}, so a failure read again from run-events is known as retried.
 */
@Component
public class DueRetryPublisher implements SmartLifecycle {

    private static final Logger log = LoggerFactory.getLogger(DueRetryPublisher.class);
    private static final long MIN_WAIT_MILLIS = 20;
    /** Longer than run-events is kept (Kafka's default retention is 7 days): no replay reaches back further. */
    static final Duration PUBLISHED_KEPT = Duration.ofDays(8);
    private static final Duration PRUNE_INTERVAL = Duration.ofHours(1);
    private Instant nextPrune = Instant.MIN;

    private final PendingRetryStore store;
    private final Outbox outbox;
    private final TransactionTemplate tx;
    private final Clock clock;
    private final SchedulerProperties.Retries settings;
    private final AtomicLong pending = new AtomicLong();
    private final ReentrantLock lock = new ReentrantLock();
    private final Condition wakeUp = lock.newCondition();
    private boolean woken;
    private volatile boolean running;
    private Thread thread;

    public DueRetryPublisher(PendingRetryStore store, Outbox outbox, PlatformTransactionManager transactions,
                             Clock clock, SchedulerProperties properties, MeterRegistry meters) {
        this.store = store;
        this.outbox = outbox;
        this.tx = new TransactionTemplate(transactions);
        this.clock = clock;
        this.settings = properties.retries();
        Gauge.builder("polysync.scheduler.retries.pending", pending, AtomicLong::get)
                .description("Retries stored and waiting for their backoff delay (all replicas)")
                .register(meters);
    }

    /**
     * Publishes up to one batch of the retries due at {@code now} and says how many. The timer thread calls it;
     * tests call it with the instant they choose.
     */
    public int runOnce(Instant now) {
        Integer published = tx.execute(status -> {
            List<PendingRetry> due = store.claimDue(now, settings.batchSize());
            if (due.isEmpty()) {
                return 0;
            }
            outbox.appendAll(due.stream()
                    .map(r -> new OutboxRecord(Topics.TRIGGERS, r.taskId().toString(), r.trigger(clock.instant())))
                    .toList());
            store.markPublished(due, clock.instant());
            return due.size();
        });
        if (!now.isBefore(nextPrune)) {
            nextPrune = now.plus(PRUNE_INTERVAL);
            tx.execute(status -> store.prunePublished(now.minus(PUBLISHED_KEPT)));
        }
        int count = published == null ? 0 : published;
        if (count > 0) {
            log.info("published {} due retries", count);
        }
        return count;
    }

    /** Re-reads the pending retries at once; called after this replica stored one. */
    public void wake() {
        lock.lock();
        try {
            woken = true;
            wakeUp.signal();
        } finally {
            lock.unlock();
        }
    }

    @Override
    public void start() {
        running = true;
        thread = new Thread(this::loop, "due-retry-publisher");
        thread.setDaemon(true);
        thread.start();
    }

    @Override
    public void stop() {
        running = false;
        wake();
        if (thread != null) {
            try {
                thread.join(Duration.ofSeconds(10).toMillis());
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            thread = null;
        }
    }

    @Override
    public boolean isRunning() {
        return running;
    }

    private void loop() {
        while (running) {
            long waitMillis = settings.pollInterval().toMillis();
            try {
                if (runOnce(clock.instant()) == settings.batchSize()) {
                    continue;
                }
                PendingRetryStore.Summary summary = tx.execute(status -> store.summary());
                pending.set(summary.pending());
                if (summary.earliestDue() != null) {
                    long untilDue = Duration.between(clock.instant(), summary.earliestDue()).toMillis() + 1;
                    // a retry already due here is held by another replica: do not spin while it publishes it
                    waitMillis = Math.max(MIN_WAIT_MILLIS, Math.min(waitMillis, untilDue));
                }
            } catch (RuntimeException e) {
                if (running) {
                    log.warn("publishing due retries failed, trying again: {}", e.toString());
                }
            }
            awaitWakeUp(waitMillis);
        }
    }

    private void awaitWakeUp(long millis) {
        lock.lock();
        try {
            if (!woken) {
                wakeUp.await(millis, TimeUnit.MILLISECONDS);
            }
            woken = false;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            running = false;
        } finally {
            lock.unlock();
        }
    }
}
