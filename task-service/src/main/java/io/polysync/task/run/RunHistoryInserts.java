package io.polysync.task.run;

import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.stereotype.Repository;

import java.time.ZoneOffset;
import java.util.List;

/**
 * Appends history entries as one JDBC batch. Their ids come from an identity column, which keeps a run's entries
 * numbered in the order they were applied on every replica; Hibernate cannot batch inserts whose ids the database
 * assigns, and nothing reads an entry back in the transaction that writes it, so the read model writes them here.
 * Runs inside the caller's transaction, after the runs the entries belong to were flushed.
 */
@Repository
class RunHistoryInserts {

    private final JdbcTemplate jdbc;

    RunHistoryInserts(JdbcTemplate jdbc) {
        this.jdbc = jdbc;
    }

    void insertAll(List<RunHistoryEntry> entries) {
        if (entries.isEmpty()) {
            return;
        }
        jdbc.batchUpdate("INSERT INTO task_run_history (run_id, kind, state, occurred_at, reason)"
                + " VALUES (?, ?, ?, ?, ?)", entries.stream().map(e -> new Object[] {
                        e.runId(), e.kind().name(), e.state() == null ? null : e.state().name(),
                        e.at().atOffset(ZoneOffset.UTC), e.reason()}).toList());
    }
}
