package io.polysync.task.run;

import io.polysync.model.run.RunState;
import io.polysync.task.run.TriggerDefinitions.TriggerDefinition;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.stereotype.Repository;

import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Optional;
import java.util.UUID;

/**
 * The read-model rows an accepted trigger writes: its QUEUED run and that transition's history entry, in plain
 * statements inside the accepting transaction ({@code ON CONFLICT DO NOTHING} without a target: the form PostgreSQL
 * and H2 both take). Written through the entity, the insert alone (persist, flush, version) cost more than the rest
 * of the request; the read model updates the row from events later.
 */
@Repository
class AcceptedRuns {

    private static final String INSERT_RUN = "INSERT INTO task_run (run_id, task_id, task_name, state, trigger_type, "
            + "attempt, queued_at, outputs, requested_by, definition_version, updated_at, row_version) "
            + "VALUES (?, ?, ?, 'QUEUED', ?, 1, ?, '{}', ?, ?, ?, 0) ON CONFLICT DO NOTHING";

    private final JdbcTemplate jdbc;
    private final RunRows rows;

    AcceptedRuns(JdbcTemplate jdbc, RunRows rows) {
        this.jdbc = jdbc;
        this.rows = rows;
    }

    /** The run's state in the read model, if it has the run. */
    Optional<RunState> stateOf(UUID runId) {
        List<RunState> states = jdbc.query("SELECT state FROM task_run WHERE run_id = ?",
                (rs, i) -> RunState.valueOf(rs.getString(1)), runId);
        return states.stream().findFirst();
    }

    /**
     * Records the run as QUEUED with its history entry; false, writing nothing, when a run with its id exists. A
     * concurrent insert of the same id makes this wait for that transaction: false once it committed.
     */
    boolean insertQueued(UUID runId, TriggerDefinition task, RunRequest request, String reason, Instant now) {
        var at = now.atOffset(ZoneOffset.UTC);
        int inserted = jdbc.update(INSERT_RUN, runId, task.taskId(), task.name(), request.triggerType().name(), at,
                request.requestedBy(), task.definitionVersion(), at);
        if (inserted == 0) {
            return false;
        }
        rows.insertHistory(List.of(RunHistoryEntry.transition(runId, RunState.QUEUED, now, reason)));
        return true;
    }
}
