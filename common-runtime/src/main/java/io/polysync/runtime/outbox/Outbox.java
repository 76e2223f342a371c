package io.polysync.runtime.outbox;

import io.polysync.model.Json;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.jdbc.core.BatchPreparedStatementSetter;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.jdbc.support.GeneratedKeyHolder;
import org.springframework.jdbc.support.KeyHolder;
import org.springframework.transaction.support.TransactionSynchronization;
import org.springframework.transaction.support.TransactionSynchronizationManager;

import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Writes events into the outbox table inside the caller's transaction, so the state change and the event it implies
 * commit together or not at all (DESIGN.md section 7, invariant 6). After the commit the rows, with the ids the
 * table gave them, are handed to the {@link OutboxRelay}, which publishes them from memory at once; its sweep of the
 * table finds whatever a crash or a failed send left behind.
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

    /** Inserts the rows in one batch and answers them as the relay publishes them, with the ids the table gave. */
    private List<OutboxRelay.Row> write(List<Object[]> rows) {
        KeyHolder ids = new GeneratedKeyHolder();
        jdbc.batchUpdate(connection -> connection.prepareStatement(INSERT, new String[] {"id"}),
                new BatchPreparedStatementSetter() {
                    @Override
                    public void setValues(PreparedStatement statement, int i) throws SQLException {
                        Object[] row = rows.get(i);
                        statement.setString(1, (String) row[0]);
                        statement.setString(2, (String) row[1]);
                        statement.setString(3, (String) row[2]);
                        statement.setTimestamp(4, (Timestamp) row[3]);
                    }

                    @Override
                    public int getBatchSize() {
                        return rows.size();
                    }
                }, ids);
        List<Map<String, Object>> keys = ids.getKeyList();
        if (keys.size() != rows.size()) {
            throw new IllegalStateException("the outbox insert answered " + keys.size() + " ids for " + rows.size()
                    + " rows");
        }
        List<OutboxRelay.Row> written = new ArrayList<>(rows.size());
        for (int i = 0; i < rows.size(); i++) {
            Object[] row = rows.get(i);
            // PostgreSQL names the key "id", H2 "ID": each map holds the one generated column
            long id = ((Number) keys.get(i).values().iterator().next()).longValue();
            written.add(new OutboxRelay.Row(id, (String) row[0], (String) row[1], (String) row[2]));
        }
        return written;
    }

    private void committed(List<OutboxRelay.Row> rows) {
        if (haltAfterCommits > 0 && commits.incrementAndGet() == haltAfterCommits) {
            log.warn("halting after outbox commit number {}, before publishing it", haltAfterCommits);
            Runtime.getRuntime().halt(HALT_STATUS);
        }
        relay.committed(rows);
    }

    /**
     * The rows a transaction appended, written before it commits. A synchronization that runs after this one's
     * {@code beforeCommit} may still append (its own before-commit work): those rows are written at once, still
     * inside the transaction.
     */
    private static final class Pending implements TransactionSynchronization {

        private final Outbox outbox;
        private final List<Object[]> rows = new ArrayList<>();
        /** What the transaction wrote, in order, to hand to the relay once it committed. */
        private final List<OutboxRelay.Row> written = new ArrayList<>();
        private boolean beforeCommitDone;

        Pending(Outbox outbox) {
            this.outbox = outbox;
        }

        void add(List<Object[]> more) {
            if (beforeCommitDone) {
                written.addAll(outbox.write(more));
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
            beforeCommitDone = true;
            if (!rows.isEmpty()) {
                written.addAll(outbox.write(rows));
                rows.clear();
            }
        }

        @Override
        public void afterCommit() {
            outbox.committed(List.copyOf(written));
        }

        @Override
        public void afterCompletion(int status) {
            TransactionSynchronizationManager.unbindResourceIfPossible(outbox);
            if (status == STATUS_UNKNOWN && !written.isEmpty()) {
                // the commit failed without saying whether it happened (the connection died in it): its rows may be
                // in the table, which only a sweep can tell, and newer rows must not overtake them
                outbox.relay.outcomeUnknown();
            }
            rows.clear();
            written.clear();
        }
    }
}
