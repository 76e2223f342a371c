package io.polysync.systemtest.harness;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;

/**
 * Reads what the services persisted: the dispatcher's run ledger and status history, its permits and outboxes, and
 * the task-service's read model. Opens a connection per read, so it works across a database restart.
 */
public final class Ledger {

    private final String url;

    public Ledger(String url) {
        this.url = url;
    }

    public List<Run> runs() {
        return query("SELECT run_id, trigger_id, task_name, trigger_type, attempt, retry_of, state, claimed_by, "
                + "queued_at, admitted_at, started_at, finished_at, error FROM dispatcher.task_run", rs -> new Run(
                (UUID) rs.getObject(1), (UUID) rs.getObject(2), rs.getString(3), rs.getString(4), rs.getInt(5),
                (UUID) rs.getObject(6), rs.getString(7), rs.getString(8), instant(rs, 9), instant(rs, 10),
                instant(rs, 11), instant(rs, 12), rs.getString(13)));
    }

    public List<History> history() {
        return query("SELECT run_id, kind, state, reason, at FROM dispatcher.status_history ORDER BY id",
                rs -> new History((UUID) rs.getObject(1), rs.getString(2), rs.getString(3), rs.getString(4),
                        instant(rs, 5)));
    }

    /** The task-service's read model: run id and state. */
    public List<ReadModelRun> readModel() {
        return query("SELECT run_id, state FROM task.task_run",
                rs -> new ReadModelRun((UUID) rs.getObject(1), rs.getString(2)));
    }

    public List<Permit> permits() {
        return query("SELECT profile_name, run_id FROM dispatcher.profile_permit",
                rs -> new Permit(rs.getString(1), (UUID) rs.getObject(2)));
    }

    /** Unpublished outbox rows of one service's schema. */
    public long outboxBacklog(String schema) {
        return query("SELECT count(*) FROM " + schema + ".outbox", rs -> rs.getLong(1)).get(0);
    }

    public long count(String sql, Object... args) {
        return query(sql, rs -> rs.getLong(1), args).get(0);
    }

    public <T> List<T> query(String sql, RowMapper<T> mapper, Object... args) {
        try (Connection c = DriverManager.getConnection(url, "postgres", "");
             PreparedStatement ps = c.prepareStatement(sql)) {
            for (int i = 0; i < args.length; i++) {
                ps.setObject(i + 1, args[i]);
            }
            List<T> rows = new ArrayList<>();
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    rows.add(mapper.map(rs));
                }
            }
            return rows;
        } catch (SQLException e) {
            throw new IllegalStateException(sql + ": " + e.getMessage(), e);
        }
    }

    private static Instant instant(ResultSet rs, int column) throws SQLException {
        Timestamp t = rs.getTimestamp(column);
        return t == null ? null : t.toInstant();
    }

    @FunctionalInterface
    public interface RowMapper<T> {
        T map(ResultSet rs) throws SQLException;
    }

    /** One row of dispatcher.task_run. */
    public record Run(UUID runId, UUID triggerId, String taskName, String triggerType, int attempt, UUID retryOf,
                      String state, String claimedBy, Instant queuedAt, Instant admittedAt, Instant startedAt,
                      Instant finishedAt, String error) {

        public boolean terminal() {
            return TERMINAL.contains(state);
        }

        public boolean errorSays(String reason) {
            return error != null && error.contains("\"" + reason + "\"");
        }
    }

    public record History(UUID runId, String kind, String state, String reason, Instant at) {
    }

    public record ReadModelRun(UUID runId, String state) {
    }

    public record Permit(String profile, UUID runId) {
    }

    public static final List<String> TERMINAL = List.of("SUCCEEDED", "FAILED", "CANCELLED");
}
