package io.polysync.scheduler.dependency;

import io.polysync.model.Json;
import io.polysync.model.task.DependencySnapshot;
import io.polysync.model.task.OutputMapping;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.jdbc.core.namedparam.NamedParameterJdbcTemplate;
import org.springframework.stereotype.Repository;

import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;

/**
 * The reverse dependency index and fan-in state in tables {@code fan_in} and {@code dependency_edge}. Every method
 * must run inside the caller's transaction; {@link #lock} and {@link #replaceDependencies} hold the dependent's
 * {@code fan_in} row lock until it ends, which serialises all fan-in work and definition changes of one dependent
 * across replicas.
 */
@Repository
public class FanInStore {

    private static final String EDGE_COLUMNS = "parent_task_id, mappings, pending_run_id, pending_outputs,"
            + " pending_finished_at, consumed_run_id, consumed_finished_at";

    private final JdbcTemplate jdbc;

    public FanInStore(JdbcTemplate jdbc) {
        this.jdbc = jdbc;
    }

    /** The dependents of {@code parentTaskId}, ordered by id: the order their rows are locked in, so no deadlock. */
    public List<UUID> childrenOf(UUID parentTaskId) {
        return jdbc.query("SELECT child_task_id FROM dependency_edge WHERE parent_task_id = ? ORDER BY child_task_id",
                (rs, i) -> rs.getObject(1, UUID.class), parentTaskId);
    }

    /** The dependents of each of {@code parentTaskIds} that has any, each list ordered by id. */
    public Map<UUID, List<UUID>> childrenOf(Collection<UUID> parentTaskIds) {
        Map<UUID, List<UUID>> children = new HashMap<>();
        if (parentTaskIds.isEmpty()) {
            return children;
        }
        NamedParameterJdbcTemplate named = new NamedParameterJdbcTemplate(jdbc);
        named.query("SELECT parent_task_id, child_task_id FROM dependency_edge WHERE parent_task_id IN (:parents)"
                        + " ORDER BY child_task_id", Map.of("parents", parentTaskIds),
                rs -> {
                    children.computeIfAbsent(rs.getObject(1, UUID.class), parent -> new ArrayList<>())
                            .add(rs.getObject(2, UUID.class));
                });
        return children;
    }

    /** Locks the dependent's fan-in row and loads its edges; empty when the task is unknown or deleted. */
    public Optional<FanIn> lock(UUID childTaskId) {
        List<UUID> locked = jdbc.query("SELECT child_task_id FROM fan_in WHERE child_task_id = ? FOR UPDATE",
                (rs, i) -> rs.getObject(1, UUID.class), childTaskId);
        if (locked.isEmpty()) {
            return Optional.empty();
        }
        List<FanIn.Edge> edges = jdbc.query("SELECT " + EDGE_COLUMNS + " FROM dependency_edge"
                + " WHERE child_task_id = ? ORDER BY position", (rs, i) -> edge(rs), childTaskId);
        return Optional.of(new FanIn(childTaskId, edges));
    }

    /** Writes back the edges an offer changed. */
    public void save(FanIn fanIn) {
        List<Object[]> rows = new ArrayList<>();
        for (FanIn.Edge edge : fanIn.edges()) {
            if (!edge.changed()) {
                continue;
            }
            ParentSuccess pending = edge.pending();
            rows.add(new Object[] {
                    pending == null ? null : pending.runId(),
                    pending == null ? null : Json.encode(pending.outputs()),
                    pending == null ? null : at(pending.finishedAt()),
                    edge.consumedRunId(),
                    at(edge.consumedFinishedAt()),
                    fanIn.childTaskId(),
                    edge.parentTaskId()});
        }
        if (!rows.isEmpty()) {
            jdbc.batchUpdate("UPDATE dependency_edge SET pending_run_id = ?, pending_outputs = ?,"
                    + " pending_finished_at = ?, consumed_run_id = ?, consumed_finished_at = ?"
                    + " WHERE child_task_id = ? AND parent_task_id = ?", rows);
        }
    }

    /** Remembers which run completed the dependent's last fan-in. */
    public void markTriggered(UUID childTaskId, UUID completingRunId, Instant at) {
        jdbc.update("UPDATE fan_in SET last_trigger_run_id = ?, last_triggered_at = ? WHERE child_task_id = ?",
                completingRunId, at(at), childTaskId);
    }

    /**
     * Makes the dependent's edges those of its definition {@code version}, unless a version at least as new was
     * applied already. Edges that stay keep their fan-in state; removed ones are forgotten.
     *
     * @return whether the definition was applied
     */
    public boolean replaceDependencies(UUID childTaskId, long version, List<DependencySnapshot> dependencies) {
        List<Long> held = jdbc.query("SELECT definition_version FROM fan_in WHERE child_task_id = ? FOR UPDATE",
                (rs, i) -> rs.getLong(1), childTaskId);
        if (held.isEmpty()) {
            jdbc.update("INSERT INTO fan_in (child_task_id, definition_version) VALUES (?, ?)", childTaskId, version);
        } else if (held.get(0) >= version) {
            return false;
        } else {
            jdbc.update("UPDATE fan_in SET definition_version = ? WHERE child_task_id = ?", version, childTaskId);
        }
        Map<UUID, List<OutputMapping>> wanted = new LinkedHashMap<>();
        for (DependencySnapshot dependency : dependencies) {
            wanted.computeIfAbsent(dependency.taskId(), id -> new ArrayList<>()).addAll(dependency.mappings());
        }
        Set<UUID> existing = Set.copyOf(jdbc.query("SELECT parent_task_id FROM dependency_edge WHERE child_task_id = ?",
                (rs, i) -> rs.getObject(1, UUID.class), childTaskId));
        for (UUID parent : existing) {
            if (!wanted.containsKey(parent)) {
                jdbc.update("DELETE FROM dependency_edge WHERE child_task_id = ? AND parent_task_id = ?",
                        childTaskId, parent);
            }
        }
        int position = 0;
        for (Map.Entry<UUID, List<OutputMapping>> entry : wanted.entrySet()) {
            String mappings = Json.encode(entry.getValue());
            if (existing.contains(entry.getKey())) {
                jdbc.update("UPDATE dependency_edge SET position = ?, mappings = ?"
                        + " WHERE child_task_id = ? AND parent_task_id = ?", position, mappings, childTaskId, entry.getKey());
            } else {
                jdbc.update("INSERT INTO dependency_edge (child_task_id, parent_task_id, position, mappings)"
                        + " VALUES (?, ?, ?, ?)", childTaskId, entry.getKey(), position, mappings);
            }
            position++;
        }
        return true;
    }

    /** Forgets a deleted task as a dependent; its edges go with its row. */
    public void delete(UUID childTaskId) {
        jdbc.update("DELETE FROM fan_in WHERE child_task_id = ?", childTaskId);
    }

    private static FanIn.Edge edge(ResultSet rs) throws SQLException {
        UUID pendingRun = rs.getObject("pending_run_id", UUID.class);
        ParentSuccess pending = pendingRun == null ? null : new ParentSuccess(pendingRun,
                decodeMap(rs.getString("pending_outputs")), instant(rs, "pending_finished_at"));
        return new FanIn.Edge(rs.getObject("parent_task_id", UUID.class),
                List.of(Json.decode(rs.getString("mappings"), OutputMapping[].class)), pending,
                rs.getObject("consumed_run_id", UUID.class), instant(rs, "consumed_finished_at"));
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> decodeMap(String json) {
        return Json.decode(json, Map.class);
    }

    private static Instant instant(ResultSet rs, String column) throws SQLException {
        OffsetDateTime value = rs.getObject(column, OffsetDateTime.class);
        return value == null ? null : value.toInstant();
    }

    private static OffsetDateTime at(Instant instant) {
        return instant == null ? null : instant.atOffset(ZoneOffset.UTC);
    }
}
