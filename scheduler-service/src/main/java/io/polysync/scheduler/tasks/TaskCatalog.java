package io.polysync.scheduler.tasks;

import io.polysync.model.Json;
import io.polysync.model.event.RunStateChanged;
import io.polysync.model.event.TaskDefinitionChanged;
import io.polysync.model.run.RunState;
import io.polysync.model.task.TaskSnapshot;
import org.springframework.jdbc.core.namedparam.MapSqlParameterSource;
import org.springframework.jdbc.core.namedparam.NamedParameterJdbcTemplate;
import org.springframework.jdbc.core.namedparam.SqlParameterSource;
import org.springframework.stereotype.Service;
import org.springframework.transaction.annotation.Transactional;

import java.time.Clock;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

/**
 * The scheduler's knowledge of tasks and their latest successes, kept from the definition and run streams. Both
 * streams may be replayed: every update here is idempotent and never moves back to an older version.
 */
@Service
public class TaskCatalog {

    private static final String NEWER_SUCCESS = "UPDATE last_success SET run_id = :run, outputs = :outputs,"
            + " finished_at = :finished WHERE task_id = :task AND finished_at < :finished";
    /** ON CONFLICT DO NOTHING: PostgreSQL and H2 alike. */
    private static final String FIRST_SUCCESS = "INSERT INTO last_success (task_id, run_id, outputs, finished_at)"
            + " VALUES (:task, :run, :outputs, :finished) ON CONFLICT DO NOTHING";

    private final NamedParameterJdbcTemplate jdbc;
    private final Clock clock;

    public TaskCatalog(NamedParameterJdbcTemplate jdbc, Clock clock) {
        this.jdbc = jdbc;
        this.clock = clock;
    }

    /**
     * Applies a poll of definition changes (one per task, {@link DefinitionChange#collapse}) with a few multi-row
     * statements: deleted tasks and their last successes are forgotten, and each task's view takes the poll's
     * definition unless it holds a version at least as new (a replayed topic never moves it back). Every task's view
     * remembers the partition its definition arrived on.
     *
     * @return the definition now in force of each task of {@code changes} that has one
     */
    @Transactional
    public Map<UUID, TaskSnapshot> onDefinitions(List<DefinitionChange> changes) {
        List<UUID> deleted = changes.stream().filter(DefinitionChange::deleted).map(DefinitionChange::taskId).toList();
        if (!deleted.isEmpty()) {
            MapSqlParameterSource ids = new MapSqlParameterSource("tasks", deleted);
            jdbc.update("DELETE FROM task_view WHERE task_id IN (:tasks)", ids);
            jdbc.update("DELETE FROM last_success WHERE task_id IN (:tasks)", ids);
        }
        List<DefinitionChange> defined = changes.stream().filter(c -> c.definition() != null).toList();
        Map<UUID, TaskSnapshot> inForce = new LinkedHashMap<>();
        if (defined.isEmpty()) {
            return inForce;
        }
        Map<UUID, Held> held = new HashMap<>();
        jdbc.query("SELECT task_id, definition_version, kafka_partition FROM task_view WHERE task_id IN (:tasks)",
                new MapSqlParameterSource("tasks", defined.stream().map(DefinitionChange::taskId).toList()), rs -> {
                    int partition = rs.getInt("kafka_partition");
                    held.put(rs.getObject("task_id", UUID.class),
                            new Held(rs.getLong("definition_version"), rs.wasNull() ? null : partition));
                });
        OffsetDateTime now = clock.instant().atOffset(ZoneOffset.UTC);
        List<DefinitionChange> inserts = new ArrayList<>();
        List<DefinitionChange> updates = new ArrayList<>();
        List<DefinitionChange> moved = new ArrayList<>();
        List<UUID> newerHeld = new ArrayList<>();
        for (DefinitionChange change : defined) {
            Held row = held.get(change.taskId());
            if (row == null) {
                inserts.add(change);
            } else if (row.version() < change.definition().definitionVersion()) {
                updates.add(change);
            } else {
                newerHeld.add(change.taskId());
                if (row.partition() == null || row.partition() != change.partition()) {
                    moved.add(change);
                }
            }
        }
        if (!inserts.isEmpty()) {
            // ON CONFLICT DO NOTHING (PostgreSQL and H2 alike): a row another replica inserted meanwhile is taken
            // through the version-guarded update instead
            int[] counts = jdbc.batchUpdate("INSERT INTO task_view (task_id, task_name, definition_version, snapshot,"
                            + " updated_at, kafka_partition) VALUES (:task, :name, :version, :snapshot, :at, :partition)"
                            + " ON CONFLICT DO NOTHING",
                    inserts.stream().map(c -> viewRow(c, now)).toArray(SqlParameterSource[]::new));
            for (int i = 0; i < counts.length; i++) {
                if (counts[i] == 0) {
                    updates.add(inserts.get(i));
                }
            }
        }
        List<UUID> check = new ArrayList<>(newerHeld);
        if (!updates.isEmpty()) {
            int[] counts = jdbc.batchUpdate("UPDATE task_view SET task_name = :name, definition_version = :version,"
                            + " snapshot = :snapshot, updated_at = :at, kafka_partition = :partition"
                            + " WHERE task_id = :task AND definition_version < :version",
                    updates.stream().map(c -> viewRow(c, now)).toArray(SqlParameterSource[]::new));
            for (int i = 0; i < counts.length; i++) {
                if (counts[i] == 0) {
                    check.add(updates.get(i).taskId());
                }
            }
        }
        if (!moved.isEmpty()) {
            jdbc.batchUpdate("UPDATE task_view SET kafka_partition = :partition WHERE task_id = :task",
                    moved.stream().map(c -> new MapSqlParameterSource("task", c.taskId())
                            .addValue("partition", c.partition())).toArray(SqlParameterSource[]::new));
        }
        for (DefinitionChange change : defined) {
            inForce.put(change.taskId(), change.definition().task());
        }
        if (!check.isEmpty()) {
            // a replay met a newer definition held here (or a replica raced this one): the held one stays in force
            jdbc.query("SELECT task_id, definition_version, snapshot FROM task_view WHERE task_id IN (:tasks)",
                    new MapSqlParameterSource("tasks", check), rs -> {
                        UUID taskId = rs.getObject("task_id", UUID.class);
                        if (rs.getLong("definition_version") != inForce.get(taskId).definitionVersion()) {
                            inForce.put(taskId, Json.decode(rs.getString("snapshot"), TaskSnapshot.class));
                        }
                    });
        }
        return inForce;
    }

    /**
     * The views of those of {@code taskIds} that have one, in one query: a dependency hand-off reads its children's
     * on every poll, a retry decision its failed task's. Plain JDBC for the same reason as {@link #onSuccesses}.
     */
    @Transactional(readOnly = true)
    public Map<UUID, TaskView> views(Collection<UUID> taskIds) {
        Map<UUID, TaskView> views = new HashMap<>();
        if (taskIds.isEmpty()) {
            return views;
        }
        jdbc.query("SELECT task_id, task_name, definition_version, snapshot FROM task_view"
                + " WHERE task_id IN (:tasks)", new MapSqlParameterSource("tasks", taskIds), rs -> {
                    UUID taskId = rs.getObject("task_id", UUID.class);
                    views.put(taskId, new TaskView(taskId, rs.getString("task_name"), rs.getLong("definition_version"),
                            rs.getString("snapshot")));
                });
        return views;
    }

    private static SqlParameterSource viewRow(DefinitionChange change, OffsetDateTime at) {
        TaskDefinitionChanged definition = change.definition();
        return new MapSqlParameterSource("task", change.taskId())
                .addValue("name", definition.taskName())
                .addValue("version", definition.definitionVersion())
                .addValue("snapshot", Json.encode(definition.task()))
                .addValue("at", at)
                .addValue("partition", change.partition());
    }

    private record Held(long version, Integer partition) {
    }

    /**
     * Keeps each task's newest success among {@code changes} (events of other states are passed over), with plain
     * batched statements: an update guarded by {@code finished_at}, so a replayed or older success never moves a row
     * back, then inserts for the tasks that had no row. A poll of successes of known tasks so costs one round trip.
     * The schedules of dependent tasks map their inputs from these rows (DESIGN.md section 6).
     *
     * <p>Not through JPA: {@code findAllById} built a criteria query per poll, and with the entities' flush at commit
     * Hibernate took three quarters of the run-event listener's CPU at 50 runs/s (async-profiler, 2026-11-30).
     */
    @Transactional
    public void onSuccesses(List<RunStateChanged> changes) {
        Map<UUID, RunStateChanged> newest = new LinkedHashMap<>();
        for (RunStateChanged changed : changes) {
            if (changed.state() == RunState.SUCCEEDED && changed.finishedAt() != null) {
                newest.merge(changed.taskId(), changed,
                        (held, offered) -> offered.finishedAt().isAfter(held.finishedAt()) ? offered : held);
            }
        }
        if (newest.isEmpty()) {
            return;
        }
        List<RunStateChanged> offered = List.copyOf(newest.values());
        List<RunStateChanged> unmatched = unchanged(offered, jdbc.batchUpdate(NEWER_SUCCESS, successRows(offered)));
        if (unmatched.isEmpty()) {
            return;
        }
        // no row yet, or one at least as new: the insert tells them apart
        List<RunStateChanged> held = unchanged(unmatched, jdbc.batchUpdate(FIRST_SUCCESS, successRows(unmatched)));
        if (!held.isEmpty()) {
            // a row found here may also be one a replica inserted after the update above: offered once more
            jdbc.batchUpdate(NEWER_SUCCESS, successRows(held));
        }
    }

    private static SqlParameterSource[] successRows(List<RunStateChanged> successes) {
        return successes.stream().map(changed -> new MapSqlParameterSource("task", changed.taskId())
                .addValue("run", changed.runId())
                .addValue("outputs", Json.encode(changed.outputs()))
                .addValue("finished", changed.finishedAt().atOffset(ZoneOffset.UTC)))
                .toArray(SqlParameterSource[]::new);
    }

    /** The successes whose statement changed no row. */
    private static List<RunStateChanged> unchanged(List<RunStateChanged> successes, int[] counts) {
        List<RunStateChanged> unchanged = new ArrayList<>();
        for (int i = 0; i < counts.length; i++) {
            if (counts[i] == 0) {
                unchanged.add(successes.get(i));
            }
        }
        return unchanged;
    }
}
