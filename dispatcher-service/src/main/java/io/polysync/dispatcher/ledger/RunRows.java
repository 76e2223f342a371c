package io.polysync.dispatcher.ledger;

import io.polysync.runtime.jdbc.SqlLists;
import org.springframework.core.Ordered;
import org.springframework.dao.OptimisticLockingFailureException;
import org.springframework.jdbc.core.BatchPreparedStatementSetter;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.stereotype.Component;
import org.springframework.transaction.support.TransactionSynchronization;
import org.springframework.transaction.support.TransactionSynchronizationManager;

import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.sql.Types;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Optional;
import java.util.UUID;

/**
 * The run ledger's hot path in plain JDBC: new runs are inserted in one batch, reported runs are locked with one query
 * and their transitions written back in one batch. Through JPA each run cost a persist or a managed load, then a
 * dirty check and a statement of its own at flush; the decisions themselves stay with {@link TaskRun} and
 * {@link TransitionGuard}, on runs read here outside any persistence context. Runs loaded through
 * {@link TaskRunRepository} elsewhere (cancels, leases, waiting runs) meet the same rows and the same version column.
 */
@Component
public class RunRows {

    private static final String INSERT = "INSERT INTO task_run (run_id, trigger_id, task_id, task_name, trigger_type,"
            + " attempt, retry_of, definition_version, priority, band, parameters, requested_by, scheduled_for, state,"
            + " queued_at, admitted_at, started_at, finished_at, claimed_by, last_heartbeat_at, outputs, error,"
            + " waiting_reason, waiting_profile, job_type, parent_succeeded_at, version)"
            + " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, 0)";

    /** The columns a worker report can change ({@link TaskRun#start}, heartbeat, the terminal moves). */
    private static final String UPDATE_REPORTED = "UPDATE task_run SET state = ?, claimed_by = ?, started_at = ?,"
            + " finished_at = ?, last_heartbeat_at = ?, outputs = ?, error = ?, waiting_reason = ?,"
            + " waiting_profile = ?, version = ? WHERE run_id = ? AND version = ?";

    private final JdbcTemplate jdbc;

    RunRows(JdbcTemplate jdbc) {
        this.jdbc = jdbc;
    }

    /**
     * Records the new {@code run} as it is now, to be inserted by the next {@link #writeNew()} in the caller's
     * transaction, and at the latest just before it commits (ahead of the history rows that reference it). The run
     * must not change after this call.
     */
    void insertLater(TaskRun run) {
        if (!TransactionSynchronizationManager.isActualTransactionActive()) {
            throw new IllegalStateException("runs are created only inside a transaction");
        }
        Pending pending = (Pending) TransactionSynchronizationManager.getResource(this);
        if (pending == null) {
            pending = new Pending(this);
            TransactionSynchronizationManager.bindResource(this, pending);
            TransactionSynchronizationManager.registerSynchronization(pending);
        }
        pending.runs.add(run);
    }

    /**
     * Inserts the runs this transaction created so far, in one batch: before SQL of its own counts or orders the
     * ledger (admission's gates), everything the transaction queued before must be in the table.
     */
    public void writeNew() {
        Pending pending = TransactionSynchronizationManager.isActualTransactionActive()
                ? (Pending) TransactionSynchronizationManager.getResource(this) : null;
        if (pending == null || pending.runs.isEmpty()) {
            return;
        }
        List<Object[]> rows = new ArrayList<>(pending.runs.size());
        for (TaskRun run : pending.runs) {
            rows.add(new Object[] {run.runId(), run.triggerId(), run.taskId(), run.taskName(),
                    run.triggerType().name(), run.attempt(), run.retryOf(), run.definitionVersion(), run.priority(),
                    run.band() == null ? null : run.band().name(), run.parametersText(), run.requestedBy(),
                    at(run.scheduledFor()), run.state().name(), at(run.queuedAt()), at(run.admittedAt()),
                    at(run.startedAt()), at(run.finishedAt()), run.claimedBy(), at(run.lastHeartbeatAt()),
                    run.outputsText(), run.errorText(), run.waitingReason(), run.waitingProfile(), run.jobType(),
                    at(run.parentSucceededAt())});
            run.written(0);
        }
        pending.runs.clear();
        batch(INSERT, rows, INSERT_TYPES);
    }

    /**
     * Of {@code triggerIds}, those that already have their run: one query for a whole poll of triggers. In plain JDBC
     * like the rest of the hot path: through JPQL, a quarter of the query's time went to Hibernate building the query
     * and reading its result (a wall-clock profile of the trigger listener).
     */
    List<UUID> triggerIdsWithRuns(Collection<UUID> triggerIds) {
        if (triggerIds.isEmpty()) {
            return List.of();
        }
        String in = SqlLists.placeholders(triggerIds.size());
        return jdbc.queryForList("SELECT trigger_id FROM task_run WHERE trigger_id IN (" + in + ")", UUID.class,
                triggerIds.toArray());
    }

    /**
     * The runs of {@code runIds} that exist, locked until the end of the transaction, in run id order: two
     * transactions locking overlapping sets wait for each other instead of deadlocking.
     */
    List<TaskRun> lockAll(Collection<UUID> runIds) {
        if (runIds.isEmpty()) {
            return List.of();
        }
        String in = SqlLists.placeholders(runIds.size());
        return jdbc.query("SELECT * FROM task_run WHERE run_id IN (" + in + ") ORDER BY run_id FOR UPDATE",
                (row, i) -> TaskRun.read(row), runIds.toArray());
    }

    /** The run, locked until the end of the transaction; empty when unknown. */
    Optional<TaskRun> lock(UUID runId) {
        return jdbc.query("SELECT * FROM task_run WHERE run_id = ? FOR UPDATE", (row, i) -> TaskRun.read(row), runId)
                .stream().findFirst();
    }

    /**
     * Writes what worker reports changed on {@code runs} (each read by {@link #lock} or {@link #lockAll} in this
     * transaction), one batch for all of them. The version is checked and moved on as JPA would: a row changed behind
     * the lock would be a bug, and it fails the transaction rather than being overwritten.
     */
    void writeReported(Collection<TaskRun> runs) {
        if (runs.isEmpty()) {
            return;
        }
        List<Object[]> rows = new ArrayList<>(runs.size());
        for (TaskRun run : runs) {
            rows.add(new Object[] {run.state().name(), run.claimedBy(), at(run.startedAt()), at(run.finishedAt()),
                    at(run.lastHeartbeatAt()), run.outputsText(), run.errorText(), run.waitingReason(),
                    run.waitingProfile(), run.version() + 1, run.runId(), run.version()});
        }
        int[] counts = batch(UPDATE_REPORTED, rows, UPDATE_TYPES);
        int i = 0;
        for (TaskRun run : runs) {
            int count = counts[i++];
            if (count == 0) {
                throw new OptimisticLockingFailureException("run " + run.runId() + " changed behind its lock");
            }
            run.written(run.version() + 1);
        }
    }

    private static final int[] INSERT_TYPES = {Types.OTHER, Types.OTHER, Types.OTHER, Types.VARCHAR, Types.VARCHAR,
            Types.INTEGER, Types.OTHER, Types.BIGINT, Types.INTEGER, Types.VARCHAR, Types.VARCHAR, Types.VARCHAR,
            Types.TIMESTAMP_WITH_TIMEZONE, Types.VARCHAR, Types.TIMESTAMP_WITH_TIMEZONE, Types.TIMESTAMP_WITH_TIMEZONE,
            Types.TIMESTAMP_WITH_TIMEZONE, Types.TIMESTAMP_WITH_TIMEZONE, Types.VARCHAR,
            Types.TIMESTAMP_WITH_TIMEZONE, Types.VARCHAR, Types.VARCHAR, Types.VARCHAR, Types.VARCHAR, Types.VARCHAR,
            Types.TIMESTAMP_WITH_TIMEZONE};

    private static final int[] UPDATE_TYPES = {Types.VARCHAR, Types.VARCHAR, Types.TIMESTAMP_WITH_TIMEZONE,
            Types.TIMESTAMP_WITH_TIMEZONE, Types.TIMESTAMP_WITH_TIMEZONE, Types.VARCHAR, Types.VARCHAR, Types.VARCHAR,
            Types.VARCHAR, Types.BIGINT, Types.OTHER, Types.BIGINT};

    /**
     * One statement per row in one batch. Values are bound by their Java type, nulls by the column's SQL type: left
     * to guess, the driver would ask the database for the parameter types of every statement.
     */
    private int[] batch(String sql, List<Object[]> rows, int[] nullTypes) {
        return jdbc.batchUpdate(sql, new BatchPreparedStatementSetter() {
            @Override
            public void setValues(PreparedStatement ps, int i) throws SQLException {
                Object[] row = rows.get(i);
                for (int column = 0; column < row.length; column++) {
                    if (row[column] == null) {
                        ps.setNull(column + 1, nullTypes[column]);
                    } else {
                        ps.setObject(column + 1, row[column]);
                    }
                }
            }

            @Override
            public int getBatchSize() {
                return rows.size();
            }
        });
    }

    private static OffsetDateTime at(Instant instant) {
        return instant == null ? null : OffsetDateTime.ofInstant(instant, ZoneOffset.UTC);
    }

    /**
     * One transaction's new runs not inserted yet. Ordered first among the transaction's synchronizations, so the
     * runs are in the table before the status history rows that reference them are written.
     */
    private static final class Pending implements TransactionSynchronization {

        private final RunRows rows;
        private final List<TaskRun> runs = new ArrayList<>();

        Pending(RunRows rows) {
            this.rows = rows;
        }

        @Override
        public int getOrder() {
            return Ordered.HIGHEST_PRECEDENCE;
        }

        @Override
        public void suspend() {
            TransactionSynchronizationManager.unbindResource(rows);
        }

        @Override
        public void resume() {
            TransactionSynchronizationManager.bindResource(rows, this);
        }

        @Override
        public void beforeCommit(boolean readOnly) {
            rows.writeNew();
        }

        @Override
        public void afterCompletion(int status) {
            TransactionSynchronizationManager.unbindResourceIfPossible(rows);
            runs.clear();
        }
    }
}
