package io.polysync.dispatcher.ledger;

import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.stereotype.Component;
import org.springframework.transaction.support.TransactionSynchronization;
import org.springframework.transaction.support.TransactionSynchronizationManager;

import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;

/**
 * Appends status history rows in one JDBC batch just before the caller's transaction commits, whatever number of runs
 * it changed. Through JPA each row would be an insert of its own: the table's identity id cannot be known before the
 * insert, which keeps Hibernate from batching them.
 *
 * <p>The identity stays, rather than a pooled sequence, because a run's history is read in id order: ids taken from
 * blocks that each replica pre-allocated would order the rows of a run that moved between replicas by replica, not by
 * time. Here the database numbers the rows as they are inserted, under the run's row lock, so they keep their order.
 *
 * <p>The rows reference {@code task_run}: a run created in the same transaction is inserted before them, by
 * {@link RunRows}, whose synchronization goes first.
 */
@Component
class HistoryWriter {

    private static final String INSERT =
            "INSERT INTO status_history (run_id, kind, state, reason, at) VALUES (?, ?, ?, ?, ?)";

    private final JdbcTemplate jdbc;

    HistoryWriter(JdbcTemplate jdbc) {
        this.jdbc = jdbc;
    }

    /** Appends {@code entry}, written when the caller's transaction commits and discarded if it rolls back. */
    void append(HistoryEntry entry) {
        if (!TransactionSynchronizationManager.isActualTransactionActive()) {
            throw new IllegalStateException("status history is written only inside a transaction");
        }
        Pending pending = (Pending) TransactionSynchronizationManager.getResource(this);
        if (pending == null) {
            pending = new Pending(this);
            TransactionSynchronizationManager.bindResource(this, pending);
            TransactionSynchronizationManager.registerSynchronization(pending);
        }
        pending.add(entry);
    }

    private void write(List<HistoryEntry> entries) {
        List<Object[]> rows = new ArrayList<>(entries.size());
        for (HistoryEntry e : entries) {
            rows.add(new Object[] {e.runId(), e.kind().name(), e.state() == null ? null : e.state().name(),
                    e.reason(), OffsetDateTime.ofInstant(e.at(), ZoneOffset.UTC)});
        }
        jdbc.batchUpdate(INSERT, rows);
    }

    /** One transaction's rows; rows appended after its before-commit write (by a later synchronization) go at once. */
    private static final class Pending implements TransactionSynchronization {

        private final HistoryWriter writer;
        private final List<HistoryEntry> entries = new ArrayList<>();
        private boolean written;

        Pending(HistoryWriter writer) {
            this.writer = writer;
        }

        void add(HistoryEntry entry) {
            if (written) {
                writer.write(List.of(entry));
            } else {
                entries.add(entry);
            }
        }

        @Override
        public void suspend() {
            TransactionSynchronizationManager.unbindResource(writer);
        }

        @Override
        public void resume() {
            TransactionSynchronizationManager.bindResource(writer, this);
        }

        @Override
        public void beforeCommit(boolean readOnly) {
            written = true;
            if (!entries.isEmpty()) {
                writer.write(entries);
                entries.clear();
            }
        }

        @Override
        public void afterCompletion(int status) {
            TransactionSynchronizationManager.unbindResourceIfPossible(writer);
            entries.clear();
        }
    }
}
