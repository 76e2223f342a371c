package io.polysync.runtime.outbox;

import io.polysync.model.Topics;
import io.polysync.runtime.RuntimeProperties;
import io.polysync.runtime.jdbc.SqlLists;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.context.SmartLifecycle;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.kafka.core.KafkaTemplate;
import org.springframework.kafka.support.SendResult;
import org.springframework.transaction.support.TransactionTemplate;

import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;

/**
 * Publishes outbox rows to Kafka after their transaction committed and deletes them once the broker acknowledged
 * them. Delivery is at least once; every consumer deduplicates by the ids the events carry.
 *
 * <p>The hot path does not read the table: {@link Outbox} hands each committed transaction's rows, ids included,
 * to {@link #committed}, and the relay thread sends them in commit order, a batch at a time, waiting for the
 * acknowledgements. Their deletion is deferred and batched ({@link #DELETE_DELAY}), except for dispatched runs
 * ({@link #DELETED_AT_ONCE}), so most hops cost no relay transaction of their own: before, each batch was a
 * transaction that claimed the rows, sent them and deleted them, one more commit and round trip on every hop.
 *
 * <p>The table stays the truth. Every {@code sweep-interval} the relay claims rows ({@code FOR UPDATE SKIP LOCKED},
 * so replicas sharing a schema never publish one row twice at the same time), skips those it holds in memory, and
 * publishes and deletes the rest in the claim's transaction: rows a crash left unsent, and rows of another replica
 * that died. A sweep takes only rows that were already there at the previous sweep, so it does not race a live
 * replica's relay for the rows it is about to send; the first sweep after a start takes every row. When a send
 * fails, its rows stay in the table and the relay sends nothing newer from memory until sweeps have published the
 * table's older rows, so one replica keeps the commit order of its records through a failure too. A commit that
 * failed without its outcome being known ({@link #outcomeUnknown}) is handled the same way: its rows may be in the
 * table, and what commits after it waits until a sweep has looked.
 */
public class OutboxRelay implements SmartLifecycle {

    /**
     * How long acknowledged rows may wait to be deleted together. Their deletion is a commit: batched, a low load
     * pays it a few times a second instead of once per hop. Until then they still count in the backlog gauge.
     */
    static final Duration DELETE_DELAY = Duration.ofMillis(200);
    /**
     * Topics whose rows are deleted as soon as they are acknowledged, with whatever else was acknowledged: a run
     * dispatched again after a crash is executed again by a worker (its job's effects happen twice; the dispatcher
     * only fences the reports), while every other record sent again is absorbed by its consumer's deduplication.
     * A process that dies after sending such a row so repeats it only if it dies within that deletion.
     */
    private static final Set<String> DELETED_AT_ONCE = Set.of(Topics.RUNS_HIGH, Topics.RUNS_NORMAL, Topics.RUNS_LOW);
    /** Ids per DELETE statement: far below PostgreSQL's 65,535 bind parameters, and one plan for a whole batch. */
    private static final int DELETE_CHUNK = 1000;
    private static final Logger log = LoggerFactory.getLogger(OutboxRelay.class);

    private final JdbcTemplate jdbc;
    private final TransactionTemplate tx;
    private final KafkaTemplate<String, String> kafka;
    private final RuntimeProperties.Outbox settings;
    private final OutboxMetrics metrics;
    private final String claimSql;

    private final ReentrantLock lock = new ReentrantLock();
    private final Condition wakeUp = lock.newCondition();
    /** Committed rows not taken for sending yet, in commit order. Guarded by {@link #lock}. */
    private final ArrayDeque<Row> queue = new ArrayDeque<>();
    /** Ids of the rows this relay holds in memory: queued, in flight, or acknowledged and not deleted yet. Guarded. */
    private final Set<Long> held = new HashSet<>();
    /** A commit that wrote rows failed with an unknown outcome: sweep before sending what committed after it. Guarded. */
    private boolean sweepPending;
    /** While {@link #sweepPending}: the newest row queued before that commit failed (sent first), or null. Guarded. */
    private Row sweepAfter;

    /** Acknowledged rows awaiting their batched deletion; relay thread only. */
    private final List<Long> toDelete = new ArrayList<>();
    private long toDeleteSinceNanos;
    /** Rows with ids up to this were in the table at the previous sweep; relay thread only. */
    private long sweepHorizon = Long.MAX_VALUE;
    /** After a failed send: the table's older rows go first, by sweeps, before anything from memory. */
    private boolean recovering;

    private volatile boolean running;
    private Thread thread;

    public OutboxRelay(JdbcTemplate jdbc, TransactionTemplate tx, KafkaTemplate<String, String> kafka,
                       RuntimeProperties.Outbox settings, OutboxMetrics metrics) {
        this.jdbc = jdbc;
        this.tx = tx;
        this.kafka = kafka;
        this.settings = settings;
        this.metrics = metrics;
        this.claimSql = "SELECT id, topic, record_key, payload FROM outbox WHERE id <= ? ORDER BY id FETCH FIRST "
                + settings.batchSize() + " ROWS ONLY FOR UPDATE SKIP LOCKED";
    }

    /**
     * Takes the rows of a transaction that just committed, to publish them now. Called by {@link Outbox} after every
     * commit that wrote the outbox; rows of a relay that does not run stay in the table.
     */
    void committed(List<Row> rows) {
        if (!running || rows.isEmpty()) {
            return;
        }
        lock.lock();
        try {
            for (Row row : rows) {
                queue.add(row);
                held.add(row.id());
            }
            wakeUp.signal();
        } finally {
            lock.unlock();
        }
    }

    /**
     * A transaction that wrote outbox rows failed in its commit without knowing whether the commit happened. Nothing
     * committed after it is sent until a sweep published whatever of it is in the table, so its records, if they
     * exist, keep their place before the newer ones of the same keys.
     */
    void outcomeUnknown() {
        lock.lock();
        try {
            if (!sweepPending) {
                sweepPending = true;
                sweepAfter = queue.peekLast();
            }
        } finally {
            lock.unlock();
        }
    }

    /**
     * Claims the oldest rows of the table this relay does not hold in memory, publishes them and deletes them, in one
     * transaction, and reports how many it published. Sweeps call it; tests call it to drain the outbox
     * deterministically.
     */
    public int publishBatch() {
        return claimAndPublish(Long.MAX_VALUE).published();
    }

    private Claim claimAndPublish(long upToId) {
        Claim claim = tx.execute(status -> {
            List<Row> rows = jdbc.query(claimSql, (rs, i) ->
                    new Row(rs.getLong(1), rs.getString(2), rs.getString(3), rs.getString(4)), upToId);
            List<Row> unheld = withoutHeld(rows);
            if (!unheld.isEmpty()) {
                send(unheld);
                delete(unheld.stream().map(Row::id).toList());
            }
            return new Claim(rows.size(), unheld.size());
        });
        Claim done = claim == null ? new Claim(0, 0) : claim;
        metrics.published(done.published());
        return done;
    }

    private List<Row> withoutHeld(List<Row> rows) {
        lock.lock();
        try {
            return rows.stream().filter(r -> !held.contains(r.id())).toList();
        } finally {
            lock.unlock();
        }
    }

    /** Sends the rows and waits until the broker acknowledged every one. */
    private void send(List<Row> rows) {
        List<CompletableFuture<SendResult<String, String>>> acks = new ArrayList<>(rows.size());
        for (Row row : rows) {
            acks.add(kafka.send(row.topic(), row.key(), row.payload()));
        }
        try {
            CompletableFuture.allOf(acks.toArray(CompletableFuture[]::new))
                    .get(settings.sendTimeout().toMillis(), TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new OutboxPublishException("interrupted while publishing " + rows.size() + " outbox rows", e);
        } catch (Exception e) {
            throw new OutboxPublishException("publishing " + rows.size() + " outbox rows failed", e);
        }
    }

    @Override
    public void start() {
        if (!settings.enabled()) {
            log.warn("outbox relay disabled: events stay in the outbox table");
            return;
        }
        running = true;
        thread = new Thread(this::loop, "outbox-relay");
        thread.setDaemon(true);
        thread.start();
    }

    @Override
    public void stop() {
        running = false;
        lock.lock();
        try {
            wakeUp.signal();
        } finally {
            lock.unlock();
        }
        if (thread != null) {
            try {
                thread.join(settings.sendTimeout().toMillis());
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }

    @Override
    public boolean isRunning() {
        return running;
    }

    /** Start after the Kafka listeners (so a restart replays its backlog soon) and stop after them. */
    @Override
    public int getPhase() {
        return Integer.MAX_VALUE - 100;
    }

    private void loop() {
        long failures = 0;
        long nextSweepNanos = System.nanoTime();
        while (running) {
            try {
                if (recovering || System.nanoTime() - nextSweepNanos >= 0) {
                    sweep();
                    nextSweepNanos = System.nanoTime() + settings.sweepInterval().toNanos();
                }
                boolean more = !recovering && publishQueued();
                deleteAcknowledged(false);
                failures = 0;
                if (!more && !recovering) {
                    awaitWakeUp(nextSweepNanos);
                }
            } catch (RuntimeException e) {
                failures++;
                if (running) {
                    log.warn("outbox relay failed ({} in a row), retrying: {}", failures, e.toString());
                    backOff(Duration.ofMillis(Math.min(settings.sweepInterval().toMillis() * failures, 10_000)));
                }
            }
        }
        try {
            deleteAcknowledged(true);
        } catch (RuntimeException e) {
            log.info("outbox relay stopped with {} published rows not deleted; they are sent again: {}",
                    toDelete.size(), e.toString());
        }
    }

    /**
     * Sends up to a batch of queued rows and reports whether more are queued. Should the send fail, its rows are
     * left to the sweeps, which go first from now on.
     */
    private boolean publishQueued() {
        List<Row> batch = new ArrayList<>();
        boolean more;
        lock.lock();
        try {
            if (sweepPending && sweepAfter == null) {
                sweepPending = false;
                recovering = true;
                return false;
            }
            while (batch.size() < settings.batchSize() && !queue.isEmpty()) {
                Row row = queue.poll();
                batch.add(row);
                if (sweepPending && row == sweepAfter) {
                    // what committed before the unknown outcome is taken; the sweep goes before the rest
                    sweepPending = false;
                    sweepAfter = null;
                    recovering = true;
                    break;
                }
            }
            more = !queue.isEmpty();
        } finally {
            lock.unlock();
        }
        if (batch.isEmpty()) {
            return false;
        }
        try {
            send(batch);
        } catch (RuntimeException e) {
            release(batch.stream().map(Row::id).toList());
            recovering = true;
            throw e;
        }
        if (toDelete.isEmpty()) {
            toDeleteSinceNanos = System.nanoTime();
        }
        batch.forEach(r -> toDelete.add(r.id()));
        metrics.published(batch.size());
        if (batch.stream().anyMatch(r -> DELETED_AT_ONCE.contains(r.topic()))) {
            deleteAcknowledged(true);
        }
        return more;
    }

    /**
     * Deletes the acknowledged rows in one transaction once a batch of them gathered or the oldest waited
     * {@link #DELETE_DELAY}, or {@code now} as the relay stops; until then its wake-up deadline comes back for them.
     */
    private void deleteAcknowledged(boolean now) {
        boolean due = !toDelete.isEmpty() && (now || toDelete.size() >= settings.batchSize()
                || System.nanoTime() - toDeleteSinceNanos >= DELETE_DELAY.toNanos());
        if (!due) {
            return;
        }
        List<Long> ids = List.copyOf(toDelete);
        tx.executeWithoutResult(status -> delete(ids));
        toDelete.clear();
        release(ids);
    }

    /**
     * Deletes the rows in statements of up to {@link #DELETE_CHUNK} ids each, inside the caller's transaction. The
     * relay sends nothing while it deletes, and a dispatcher's batch of dispatched runs is deleted before the next one
     * is sent. A JDBC batch of one statement per row took 3.8–4.4 ms for 500 rows on an idle machine, one statement
     * 1.2–2.0 ms; under load, wall-clock profiles showed the dispatcher's relay in that batch 65–95 % of the time while
     * the runs admitted meanwhile waited in memory (docs/performance-log.md, "2026-12-01, ninth").
     */
    private void delete(List<Long> ids) {
        for (int from = 0; from < ids.size(); from += DELETE_CHUNK) {
            List<Long> chunk = ids.subList(from, Math.min(from + DELETE_CHUNK, ids.size()));
            jdbc.update("DELETE FROM outbox WHERE id IN (" + SqlLists.placeholders(chunk.size())
                    + ")", chunk.toArray());
        }
    }

    /**
     * Publishes the table's rows that were already there at the previous sweep, a batch per transaction, until a
     * claim comes back short or finds only rows held in memory.
     */
    private void sweep() {
        long horizon = recovering ? Long.MAX_VALUE : sweepHorizon;
        Claim claim;
        do {
            claim = claimAndPublish(horizon);
        } while (running && claim.claimed() == settings.batchSize() && claim.published() > 0);
        recovering = false;
        Long newest = jdbc.queryForObject("SELECT MAX(id) FROM outbox", Long.class);
        sweepHorizon = newest == null ? 0 : newest;
    }

    private void release(List<Long> ids) {
        lock.lock();
        try {
            ids.forEach(held::remove);
        } finally {
            lock.unlock();
        }
    }

    /** Waits for a commit's rows, the next sweep, or the deletion of acknowledged rows falling due. */
    private void awaitWakeUp(long untilNanos) {
        long deadline = untilNanos;
        if (!toDelete.isEmpty()) {
            deadline = Math.min(deadline, toDeleteSinceNanos + DELETE_DELAY.toNanos());
        }
        pause(deadline, true);
    }

    /**
     * Waits the whole pause after a failure, however many commits arrive meanwhile (they stay queued), unless the
     * relay stops.
     */
    private void backOff(Duration pause) {
        pause(System.nanoTime() + pause.toNanos(), false);
    }

    /** Waits until the deadline or the relay stops, and, when {@code forRows}, until a commit hands rows over. */
    private void pause(long deadlineNanos, boolean forRows) {
        lock.lock();
        try {
            long left;
            while (running && !(forRows && !queue.isEmpty()) && (left = deadlineNanos - System.nanoTime()) > 0) {
                wakeUp.awaitNanos(left);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            running = false;
        } finally {
            lock.unlock();
        }
    }

    /** An outbox row as the relay sends it; a null payload is a tombstone. */
    record Row(long id, String topic, String key, String payload) {
    }

    /** What one claim found and how many of those rows it published (the others are held in memory). */
    private record Claim(int claimed, int published) {
    }

    /** A batch the broker did not acknowledge in time; its rows stay in the table and are sent again. */
    public static class OutboxPublishException extends RuntimeException {
        OutboxPublishException(String message, Throwable cause) {
            super(message, cause);
        }
    }
}
