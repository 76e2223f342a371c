package io.polysync.scheduler.tasks;

import io.polysync.model.Json;
import io.polysync.model.event.RunStateChanged;
import io.polysync.model.event.TaskDefinitionChanged;
import io.polysync.model.run.RunState;
import jakarta.persistence.EntityManager;
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
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.stream.Collectors;

/**
 * The scheduler's knowledge of tasks and their latest successes, kept from the definition and run streams. Both
 * streams may be replayed: every update here is idempotent and never moves back to an older version.
 */
@Service
public class TaskCatalog {

    private final LastSuccessRepository successes;
    private final EntityManager entityManager;
    private final NamedParameterJdbcTemplate jdbc;
    private final Clock clock;

    public TaskCatalog(LastSuccessRepository successes, EntityManager entityManager, NamedParameterJdbcTemplate jdbc,
                       Clock clock) {
        this.jdbc = jdbc;
        this.successes = successes;
        this.entityManager = entityManager;
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
     * Keeps each task's newest success among {@code changes} (events of other states are passed over): one query
     * reads the rows held for their tasks, and the new and newer ones are written in batches when the transaction
     * ends. The schedules of dependent tasks map their inputs from these rows (DESIGN.md section 6).
     */
    @Transactional
    public void onSuccesses(List<RunStateChanged> changes) {
        List<RunStateChanged> successes = changes.stream()
                .filter(changed -> changed.state() == RunState.SUCCEEDED && changed.finishedAt() != null).toList();
        if (successes.isEmpty()) {
            return;
        }
        Map<UUID, LastSuccess> held = new HashMap<>();
        this.successes.findAllById(successes.stream().map(RunStateChanged::taskId).collect(Collectors.toSet()))
                .forEach(last -> held.put(last.taskId(), last));
        List<LastSuccess> firsts = new ArrayList<>();
        for (RunStateChanged changed : successes) {
            LastSuccess last = held.computeIfAbsent(changed.taskId(), taskId -> {
                LastSuccess first = new LastSuccess(taskId);
                firsts.add(first);
                return first;
            });
            last.offer(changed.runId(), Json.encode(changed.outputs()), changed.finishedAt());
        }
        // persisted once complete: an insert carries the state its entity had when it was persisted
        firsts.forEach(entityManager::persist);
    }
}
