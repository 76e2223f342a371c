package io.polysync.task.run;

import io.polysync.model.run.RunState;
import io.polysync.task.run.TriggerDefinitions.TriggerDefinition;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.stereotype.Repository;

import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
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
    private final RunRows runRows;

    AcceptedRuns(JdbcTemplate jdbc, RunRows rows) {
        this.jdbc = jdbc;
        this.runRows = rows;
    }

    /** The run's state in the read model, if it has the run. */
    Optional<RunState> stateOf(UUID runId) {
        List<RunState> states = jdbc.query("SELECT state FROM task_run WHERE run_id = ?",
                (rs, i) -> RunState.valueOf(rs.getString(1)), runId);
        return states.stream().findFirst();
    }

    /** A run to record as QUEUED, with the reason its history entry gives. */
    record Queued(UUID runId, TriggerDefinition task, RunRequest request, String reason, Instant at) {
    }

    /**
     * Records each run as QUEUED with its history entry, in one batch per table; the answer says, in order, which
     * were inserted. A run whose id exists (earlier, or earlier in the same list) writes nothing and answers false. A
     * concurrent insert of the same id makes this wait for that transaction: false once it committed. Callers list
     * the runs in id order, so two batches that share ids wait for each other in one direction only.
     */
    boolean[] insertQueued(List<Queued> runs) {
        List<Object[]> values = new ArrayList<>(runs.size());
        for (Queued run : runs) {
            var at = run.at().atOffset(ZoneOffset.UTC);
            values.add(new Object[] {run.runId(), run.task().taskId(), run.task().name(),
                    run.request().triggerType().name(), at, run.request().requestedBy(),
                    run.task().definitionVersion(), at});
        }
        int[] counts = values.isEmpty() ? new int[0] : jdbc.batchUpdate(INSERT_RUN, values);
        boolean[] inserted = new boolean[runs.size()];
        List<RunHistoryEntry> history = new ArrayList<>(runs.size());
        for (int i = 0; i < counts.length; i++) {
            if (counts[i] < 0) {
                // a driver that rewrites batches into one statement answers no counts, and duplicates would pass
                throw new IllegalStateException("the run insert answered no row count (" + counts[i] + ")");
            }
            inserted[i] = counts[i] > 0;
            if (inserted[i]) {
                Queued run = runs.get(i);
                history.add(RunHistoryEntry.transition(run.runId(), RunState.QUEUED, run.at(), run.reason()));
            }
        }
        runRows.insertHistory(history);
        return inserted;
    }
}
