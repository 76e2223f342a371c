package io.polysync.runtime.outbox;

import io.polysync.model.Json;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.transaction.support.TransactionSynchronization;
import org.springframework.transaction.support.TransactionSynchronizationManager;

import java.sql.Timestamp;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Writes events into the outbox table inside the caller's transaction, so the state change and the event it implies
 * commit together or not at all (DESIGN.md section 7, invariant 6). The {@link OutboxRelay} publishes them after
 * commit; a commit wakes it at once, and its sweep finds whatever a crash left behind.
 */
public class Outbox {

    /** The exit status of a halt by fault injection, so a test can tell it from a crash. */
    public static final int HALT_STATUS = 86;
    private static final Logger log = LoggerFactory.getLogger(Outbox.class);
    private static final String INSERT =
            "INSERT INTO outbox (topic, record_key, payload, created_at) VALUES (?, ?, ?, ?)";

    private final JdbcTemplate jdbc;
    private final OutboxRelay relay;
    private final Clock clock;
    private final int haltAfterCommits;
    private final AtomicInteger commits = new AtomicInteger();

    public Outbox(JdbcTemplate jdbc, OutboxRelay relay, Clock clock) {
        this(jdbc, relay, clock, 0);
    }

    /**
     * @param haltAfterCommits test-only: halt the JVM right after the Nth transaction that wrote the outbox commits,
     *                         before its records are published (0 never), so a system test can crash a process between
     *                         its commit and its publish without relying on timing (DESIGN.md section 10 rule 25)
     */
    public Outbox(JdbcTemplate jdbc, OutboxRelay relay, Clock clock, int haltAfterCommits) {
        this.jdbc = jdbc;
        this.relay = relay;
        this.clock = clock;
        this.haltAfterCommits = haltAfterCommits;
        if (haltAfterCommits > 0) {
            log.warn("fault injection armed: this process halts after its outbox commit number {}", haltAfterCommits);
        }
    }

    /** Appends one record. Must be called inside a transaction: an event outside one could outlive a rollback. */
    public void append(String topic, String key, Object event) {
        appendAll(List.of(new OutboxRecord(topic, key, event)));
    }

    /**
     * Appends several records, in order. They are held with the transaction and written in one JDBC batch just before
     * it commits, together with everything else it appended: a transaction that applies hundreds of changes pays for
     * one round trip to the outbox table, not one per event. A rolled-back transaction writes nothing.
     */
    public void appendAll(List<OutboxRecord> records) {
        if (records.isEmpty()) {
            return;
        }
        if (!TransactionSynchronizationManager.isActualTransactionActive()) {
            throw new IllegalStateException("the outbox is written only inside a transaction");
        }
        Timestamp now = Timestamp.from(clock.instant());
        List<Object[]> rows = new ArrayList<>(records.size());
        for (OutboxRecord r : records) {
            rows.add(new Object[] {r.topic(), r.key(), r.event() == null ? null : Json.encode(r.event()), now});
        }
        Pending pending = (Pending) TransactionSynchronizationManager.getResource(this);
        if (pending == null) {
            // one buffer and one wake-up per transaction: bound as a resource, it is suspended with its transaction,
            // so a nested one gets its own; the halt fault counts these wake-ups
            pending = new Pending(this);
            TransactionSynchronizationManager.bindResource(this, pending);
            TransactionSynchronizationManager.registerSynchronization(pending);
        }
        pending.add(rows);
    }

    private void write(List<Object[]> rows) {
        jdbc.batchUpdate(INSERT, rows);
    }

    private void committed() {
        if (haltAfterCommits > 0 && commits.incrementAndGet() == haltAfterCommits) {
            log.warn("halting after outbox commit number {}, before publishing it", haltAfterCommits);
            Runtime.getRuntime().halt(HALT_STATUS);
        }
        relay.wake();
    }

    /**
     * The rows a transaction appended, written before it commits. A synchronization that runs after this one's
     * {@code beforeCommit} may still append (its own before-commit work): those rows are written at once, still
     * inside the transaction.
     */
    private static final class Pending implements TransactionSynchronization {

        private final Outbox outbox;
        private final List<Object[]> rows = new ArrayList<>();
        private boolean written;

        Pending(Outbox outbox) {
            this.outbox = outbox;
        }

        void add(List<Object[]> more) {
            if (written) {
                outbox.write(more);
            } else {
                rows.addAll(more);
            }
        }

        @Override
        public void suspend() {
            TransactionSynchronizationManager.unbindResource(outbox);
        }

        @Override
        public void resume() {
            TransactionSynchronizationManager.bindResource(outbox, this);
        }

        @Override
        public void beforeCommit(boolean readOnly) {
            written = true;
            if (!rows.isEmpty()) {
                outbox.write(rows);
                rows.clear();
            }
        }

        @Override
        public void afterCommit() {
            outbox.committed();
        }

        @Override
        public void afterCompletion(int status) {
            TransactionSynchronizationManager.unbindResourceIfPossible(outbox);
            rows.clear();
        }
    }
}
