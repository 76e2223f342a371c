package io.polysync.bench;

import io.polysync.systemtest.harness.Ledger;
import io.polysync.systemtest.harness.Ledger.RowMapper;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.sql.Timestamp;
import java.time.Instant;
import java.util.List;

/**
 * The machine's PostgreSQL: the bench database is dropped and created fresh for every deployment, and read
 * afterwards for exact times (the dispatcher's ledger: {@code dispatcher.task_run} and {@code status_history}, whose
 * {@code at} is the dispatcher's clock when it recorded the transition).
 */
public final class Database {

    private final String adminUrl;
    private final String benchUrl;
    private final String benchName;

    public Database(String adminUrl, String benchName) {
        this.adminUrl = adminUrl;
        this.benchName = benchName;
        int slash = adminUrl.lastIndexOf('/');
        int query = adminUrl.indexOf('?', slash);
        this.benchUrl = adminUrl.substring(0, slash + 1) + benchName + (query < 0 ? "" : adminUrl.substring(query));
    }

    public String benchUrl() {
        return benchUrl;
    }

    public String benchName() {
        return benchName;
    }

    public void recreate() {
        try (Connection c = DriverManager.getConnection(adminUrl, "postgres", "");
             Statement s = c.createStatement()) {
            s.execute("DROP DATABASE IF EXISTS " + benchName + " WITH (FORCE)");
            s.execute("CREATE DATABASE " + benchName);
        } catch (SQLException e) {
            throw new IllegalStateException("cannot recreate database " + benchName + " through " + adminUrl + ": "
                    + e.getMessage(), e);
        }
    }

    public String setting(String name) {
        return adminQuery("SELECT current_setting('" + name + "')", rs -> rs.getString(1)).get(0);
    }

    public String version() {
        return adminQuery("SELECT version()", rs -> rs.getString(1)).get(0);
    }

    /** Committed plus rolled-back transactions of the bench database so far (the statistics lag up to a second). */
    public long transactions() {
        List<Long> rows = adminQuery("SELECT xact_commit + xact_rollback FROM pg_stat_database WHERE datname = ?",
                rs -> rs.getLong(1), benchName);
        return rows.isEmpty() ? 0 : rows.get(0);
    }

    public long count(String sql, Object... args) {
        return query(sql, rs -> rs.getLong(1), args).get(0);
    }

    public <T> List<T> query(String sql, RowMapper<T> mapper, Object... args) {
        return run(benchUrl, sql, mapper, args);
    }

    private <T> List<T> adminQuery(String sql, RowMapper<T> mapper, Object... args) {
        return run(adminUrl, sql, mapper, args);
    }

    /** One connection per query: the benchmark reads after the fact, never on a hot path of its own. */
    private static <T> List<T> run(String url, String sql, RowMapper<T> mapper, Object... args) {
        return new Ledger(url).query(sql, mapper, args);
    }

    public static Instant instant(ResultSet rs, int column) throws SQLException {
        Timestamp t = rs.getTimestamp(column);
        return t == null ? null : t.toInstant();
    }


    /** Runs of tasks whose name starts with {@code prefix}, by state. */
    public long runs(String prefix, String state) {
        return count("SELECT count(*) FROM dispatcher.task_run WHERE task_name LIKE ? AND state = ?",
                prefix + "%", state);
    }

    public long runs(String prefix) {
        return count("SELECT count(*) FROM dispatcher.task_run WHERE task_name LIKE ?", prefix + "%");
    }

    public long unfinished() {
        return count("SELECT count(*) FROM dispatcher.task_run WHERE state IN ('QUEUED', 'RUNNING')");
    }

    /** One run with the dispatcher's recording instants of its transitions (null where it has not reached one). */
    public record RunTimes(java.util.UUID runId, String taskName, String state, Instant queuedAt,
                           Instant scheduledFor, Instant queuedRecorded, Instant runningRecorded,
                           Instant succeededRecorded) {
    }

    /** Every run of the tasks named {@code prefix…}, with its transition instants from the status history. */
    public List<RunTimes> runTimes(String prefix) {
        return query("SELECT r.run_id, r.task_name, r.state, r.queued_at, r.scheduled_for, "
                + "min(h.at) FILTER (WHERE h.state = 'QUEUED'), min(h.at) FILTER (WHERE h.state = 'RUNNING'), "
                + "min(h.at) FILTER (WHERE h.state = 'SUCCEEDED') "
                + "FROM dispatcher.task_run r LEFT JOIN dispatcher.status_history h "
                + "ON h.run_id = r.run_id AND h.kind = 'TRANSITION' "
                + "WHERE r.task_name LIKE ? GROUP BY r.run_id, r.task_name, r.state, r.queued_at, r.scheduled_for",
                rs -> new RunTimes((java.util.UUID) rs.getObject(1), rs.getString(2), rs.getString(3),
                        instant(rs, 4), instant(rs, 5), instant(rs, 6), instant(rs, 7), instant(rs, 8)),
                prefix + "%");
    }
}
