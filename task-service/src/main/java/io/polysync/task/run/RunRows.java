package io.polysync.task.run;

import io.polysync.model.run.RunState;
import org.springframework.dao.OptimisticLockingFailureException;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.jdbc.core.PreparedStatementSetter;
import org.springframework.stereotype.Repository;

import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Collection;
import java.util.EnumSet;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.stream.Collectors;

/**
 * The read model's storage of runs and their history, by plain JDBC inside the caller's transaction. A poll of run
 * events touches hundreds of runs; loading them as managed entities, dirty-checking and flushing them cost more than
 * the rest of the poll together. Here a poll reads each table once, with the run ids as one array parameter, and
 * writes what changed as batches. {@link TaskRun} stays the JPA entity everything else reads; its
 * {@link TaskRun#COLUMNS} mapping and its {@code @Version} column are honoured, so an update here is what a flush
 * would have been: optimistic, and {@code row_version} plus one.
 */
@Repository
class RunRows {

    private static final String SELECT_RUNS = "SELECT " + String.join(", ", TaskRun.COLUMNS)
            + " FROM task_run WHERE run_id = ANY (?)";

    private static final String INSERT_RUN = "INSERT INTO task_run (" + String.join(", ", TaskRun.COLUMNS)
            + ") VALUES (" + TaskRun.COLUMNS.stream().map(c -> "?").collect(Collectors.joining(", ")) + ")";

    /** Every column but the id and the version, then the id and the version read: see {@link #updateAll}. */
    private static final String UPDATE_RUN = "UPDATE task_run SET "
            + TaskRun.COLUMNS.subList(1, TaskRun.COLUMNS.size() - 1).stream().map(c -> c + " = ?")
                    .collect(Collectors.joining(", "))
            + ", row_version = row_version + 1 WHERE run_id = ? AND row_version = ?";

    private final JdbcTemplate jdbc;

    RunRows(JdbcTemplate jdbc) {
        this.jdbc = jdbc;
    }

    List<TaskRun> runs(Collection<UUID> runIds) {
        return jdbc.query(SELECT_RUNS, ids(runIds), (row, i) -> TaskRun.stored(row));
    }

    /** The TRANSITION states each run has recorded; runs without any are absent. */
    Map<UUID, Set<RunState>> transitionsOf(Collection<UUID> runIds) {
        Map<UUID, Set<RunState>> recorded = new HashMap<>();
        jdbc.query("SELECT run_id, state FROM task_run_history WHERE run_id = ANY (?) AND kind = 'TRANSITION'",
                ids(runIds), row -> {
                    recorded.computeIfAbsent(row.getObject(1, UUID.class), id -> EnumSet.noneOf(RunState.class))
                            .add(RunState.valueOf(row.getString(2)));
                });
        return recorded;
    }

    /**
     * The instant of each run's newest WAITING entry. An entry is only written when it is newer than the run's
     * newest, so the greatest instant is also the newest entry.
     */
    Map<UUID, Instant> latestWaitingOf(Collection<UUID> runIds) {
        Map<UUID, Instant> latest = new HashMap<>();
        jdbc.query("SELECT run_id, MAX(occurred_at) FROM task_run_history WHERE run_id = ANY (?)"
                + " AND kind = 'WAITING' GROUP BY run_id", ids(runIds), row -> {
                    latest.put(row.getObject(1, UUID.class), row.getObject(2, OffsetDateTime.class).toInstant());
                });
        return latest;
    }

    void insertAll(Collection<TaskRun> runs) {
        batch(INSERT_RUN, runs.stream().map(TaskRun::columnValues).toList());
    }

    /**
     * Writes each run over the row it was read from. A row whose version moved meanwhile was written by someone
     * else: the transaction fails as a flush would, and the poll is applied again on what is stored now.
     */
    void updateAll(Collection<TaskRun> runs) {
        List<Object[]> rows = new ArrayList<>(runs.size());
        for (TaskRun run : runs) {
            Object[] columns = run.columnValues();
            Object[] values = new Object[columns.length];
            System.arraycopy(columns, 1, values, 0, columns.length - 2);
            values[columns.length - 2] = columns[0];
            values[columns.length - 1] = columns[columns.length - 1];
            rows.add(values);
        }
        int[] counts = batch(UPDATE_RUN, rows);
        for (int i = 0; i < counts.length; i++) {
            if (counts[i] == 0) {
                throw new OptimisticLockingFailureException("run " + rows.get(i)[rows.get(i).length - 2]
                        + " was changed by another transaction while the read model applied its events");
            }
        }
    }

    /**
     * Appends history entries, the runs they belong to written first. Their ids come from an identity column, which
     * keeps a run's entries numbered in the order they were applied on every replica.
     */
    void insertHistory(List<RunHistoryEntry> entries) {
        batch("INSERT INTO task_run_history (run_id, kind, state, occurred_at, reason) VALUES (?, ?, ?, ?, ?)",
                entries.stream().map(e -> new Object[] {e.runId(), e.kind().name(),
                        e.state() == null ? null : e.state().name(), e.at().atOffset(ZoneOffset.UTC), e.reason()})
                        .toList());
    }

    private static PreparedStatementSetter ids(Collection<UUID> runIds) {
        return statement -> statement.setArray(1,
                statement.getConnection().createArrayOf("uuid", runIds.toArray()));
    }

    private int[] batch(String sql, List<Object[]> rows) {
        return rows.isEmpty() ? new int[0] : jdbc.batchUpdate(sql, rows);
    }
}
