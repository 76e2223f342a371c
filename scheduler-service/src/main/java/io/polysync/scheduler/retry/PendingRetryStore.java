package io.polysync.scheduler.retry;

import io.polysync.runtime.jdbc.SqlLists;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.stereotype.Repository;

import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.Collection;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.UUID;

/** Pending retries in table {@code pending_retry}, shared by every replica. Call inside the caller's transaction. */
@Repository
public class PendingRetryStore {

    private static final String COLUMNS =
            "failed_run_id, task_id, task_name, attempt, retry_run_id, definition_version, due_at";

    private final JdbcTemplate jdbc;

    public PendingRetryStore(JdbcTemplate jdbc) {
        this.jdbc = jdbc;
    }

    /**
     * Which of the failed runs already have a retry, pending or published: one query for a poll's failures.
     */
    public Set<UUID> existing(Collection<UUID> failedRunIds) {
        if (failedRunIds.isEmpty()) {
            return Set.of();
        }
        String placeholders = SqlLists.placeholders(failedRunIds.size());
        return new HashSet<>(jdbc.queryForList("SELECT failed_run_id FROM pending_retry WHERE failed_run_id IN ("
                + placeholders + ")", UUID.class, failedRunIds.toArray()));
    }

    /** Stores the retries in one batch of inserts. */
    public void insertAll(List<PendingRetry> retries, Instant now) {
        jdbc.batchUpdate("INSERT INTO pending_retry (" + COLUMNS + ", created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
                retries.stream().map(r -> new Object[] {r.failedRunId(), r.taskId(), r.taskName(), r.attempt(),
                        r.retryRunId(), r.definitionVersion(), at(r.dueAt()), at(now)}).toList());
    }

    /**
     * Locks up to {@code limit} retries due at {@code now}, earliest first. Rows another replica holds are skipped,
     * so replicas share the due retries and none is published by two of them at once.
     */
    public List<PendingRetry> claimDue(Instant now, int limit) {
        return jdbc.query("SELECT " + COLUMNS + " FROM pending_retry WHERE published_at IS NULL AND due_at <= ? "
                + "ORDER BY due_at"
                + " FETCH FIRST " + limit + " ROWS ONLY FOR UPDATE SKIP LOCKED", (rs, i) -> retry(rs), at(now));
    }

    /**
     * Marks the retries published. The rows stay, so {@link #existing} still knows the failed runs were retried when
     * their failure is read again; {@link #prunePublished} removes them once no replay can reach back that far.
     */
    public void markPublished(List<PendingRetry> retries, Instant now) {
        jdbc.batchUpdate("UPDATE pending_retry SET published_at = ? WHERE failed_run_id = ?",
                retries.stream().map(r -> new Object[] {at(now), r.failedRunId()}).toList());
    }

    /** Forgets retries published before {@code before}; answers how many. */
    public int prunePublished(Instant before) {
        return jdbc.update("DELETE FROM pending_retry WHERE published_at < ?", at(before));
    }

    /** How many retries are pending and when the earliest is due (null when none). */
    public Summary summary() {
        return jdbc.queryForObject("SELECT COUNT(*), MIN(due_at) FROM pending_retry WHERE published_at IS NULL",
                (rs, i) -> {
            OffsetDateTime earliest = rs.getObject(2, OffsetDateTime.class);
            return new Summary(rs.getLong(1), earliest == null ? null : earliest.toInstant());
        });
    }

    public record Summary(long pending, Instant earliestDue) {
    }

    private static PendingRetry retry(ResultSet rs) throws SQLException {
        return new PendingRetry(rs.getObject("failed_run_id", UUID.class), rs.getObject("task_id", UUID.class),
                rs.getString("task_name"), rs.getInt("attempt"), rs.getObject("retry_run_id", UUID.class),
                rs.getLong("definition_version"), rs.getObject("due_at", OffsetDateTime.class).toInstant());
    }

    private static OffsetDateTime at(Instant instant) {
        return instant.atOffset(ZoneOffset.UTC);
    }
}
