package io.polysync.scheduler.dependency;

import io.polysync.model.Json;
import io.polysync.model.event.TaskDefinitionChanged;
import io.polysync.model.id.Ids;
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
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
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

    /** The order dependents' rows are locked in: the database's own order of uuids ({@link Ids#DATABASE_ORDER}). */
    public static final Comparator<UUID> LOCK_ORDER = Ids.DATABASE_ORDER;

    /** Dependents per locking query: far below the bind-parameter limits of PostgreSQL and H2. */
    static final int CHUNK = 1000;

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
        return Optional.ofNullable(lockAll(List.of(childTaskId)).get(childTaskId));
    }

    /**
     * Locks the fan-in rows of many dependents and loads their edges, with one locking query and one edge query per
     * {@link #CHUNK} dependents, taken in {@link #LOCK_ORDER} like {@link #lock} would take them one by one. A
     * success with a hundred dependents so costs two round trips, not two hundred.
     *
     * @return the dependents found, in lock order; unknown or deleted ones are absent
     */
    public Map<UUID, FanIn> lockAll(Collection<UUID> childTaskIds) {
        List<UUID> ordered = childTaskIds.stream().distinct().sorted(LOCK_ORDER).toList();
        Map<UUID, FanIn> locked = new LinkedHashMap<>();
        NamedParameterJdbcTemplate named = new NamedParameterJdbcTemplate(jdbc);
        for (int from = 0; from < ordered.size(); from += CHUNK) {
            List<UUID> chunk = ordered.subList(from, Math.min(ordered.size(), from + CHUNK));
            List<UUID> found = named.query("SELECT child_task_id FROM fan_in WHERE child_task_id IN (:children)"
                    + " ORDER BY child_task_id FOR UPDATE", Map.of("children", chunk),
                    (rs, i) -> rs.getObject(1, UUID.class));
            if (found.isEmpty()) {
                continue;
            }
            Map<UUID, List<FanIn.Edge>> edges = new HashMap<>();
            named.query("SELECT child_task_id, " + EDGE_COLUMNS + " FROM dependency_edge"
                    + " WHERE child_task_id IN (:children) ORDER BY child_task_id, position",
                    Map.of("children", found), rs -> {
                        edges.computeIfAbsent(rs.getObject(1, UUID.class), c -> new ArrayList<>()).add(edge(rs));
                    });
            for (UUID child : found) {
                locked.put(child, new FanIn(child, edges.getOrDefault(child, List.of())));
            }
        }
        return locked;
    }

    /** Writes back the edges an offer changed. */
    public void save(FanIn fanIn) {
        saveAll(List.of(fanIn));
    }

    /** Writes back the edges offers changed, of many dependents in one batch. */
    public void saveAll(Collection<FanIn> fanIns) {
        List<Object[]> rows = new ArrayList<>();
        for (FanIn fanIn : fanIns) {
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
        }
        if (!rows.isEmpty()) {
            jdbc.batchUpdate("UPDATE dependency_edge SET pending_run_id = ?, pending_outputs = ?,"
                    + " pending_finished_at = ?, consumed_run_id = ?, consumed_finished_at = ?"
                    + " WHERE child_task_id = ? AND parent_task_id = ?", rows);
        }
    }

    /** Remembers which run completed the dependent's last fan-in. */
    public void markTriggered(UUID childTaskId, UUID completingRunId, Instant at) {
        markTriggered(List.of(new Triggered(childTaskId, completingRunId, at)));
    }

    /** Remembers, for many dependents in one batch, which run completed each one's last fan-in. */
    public void markTriggered(List<Triggered> triggered) {
        if (!triggered.isEmpty()) {
            jdbc.batchUpdate("UPDATE fan_in SET last_trigger_run_id = ?, last_triggered_at = ? WHERE child_task_id = ?",
                    triggered.stream().map(t -> new Object[] {t.completingRunId(), at(t.at()), t.childTaskId()})
                            .toList());
        }
    }

    /** A dependent's fan-in completed by {@code completingRunId} at {@code at}. */
    public record Triggered(UUID childTaskId, UUID completingRunId, Instant at) {
    }

    /**
     * Makes each dependent's edges those of its definition, unless a version at least as new was applied already.
     * Edges that stay keep their fan-in state; removed ones are forgotten. Many dependents at once, with multi-row
     * and batched statements: their {@code fan_in} rows are locked in id order (replicas that overlap on a poll
     * wait, never deadlock).
     *
     * @return the dependents whose definition was applied
     */
    public Set<UUID> replaceDependencies(Collection<TaskDefinitionChanged> definitions) {
        Map<UUID, TaskDefinitionChanged> byChild = new TreeMap<>(LOCK_ORDER);
        definitions.forEach(d -> byChild.put(d.taskId(), d));
        if (byChild.isEmpty()) {
            return Set.of();
        }
        NamedParameterJdbcTemplate named = new NamedParameterJdbcTemplate(jdbc);
        Map<UUID, Long> held = new HashMap<>();
        named.query("SELECT child_task_id, definition_version FROM fan_in WHERE child_task_id IN (:children)"
                        + " ORDER BY child_task_id FOR UPDATE", Map.of("children", byChild.keySet()),
                rs -> {
                    held.put(rs.getObject(1, UUID.class), rs.getLong(2));
                });
        List<Object[]> inserts = new ArrayList<>();
        List<Object[]> versions = new ArrayList<>();
        Set<UUID> applied = new LinkedHashSet<>();
        for (TaskDefinitionChanged definition : byChild.values()) {
            Long version = held.get(definition.taskId());
            if (version == null) {
                inserts.add(new Object[] {definition.taskId(), definition.definitionVersion()});
            } else if (version >= definition.definitionVersion()) {
                continue;
            } else {
                versions.add(new Object[] {definition.definitionVersion(), definition.taskId()});
            }
            applied.add(definition.taskId());
        }
        if (!inserts.isEmpty()) {
            jdbc.batchUpdate("INSERT INTO fan_in (child_task_id, definition_version) VALUES (?, ?)", inserts);
        }
        if (!versions.isEmpty()) {
            jdbc.batchUpdate("UPDATE fan_in SET definition_version = ? WHERE child_task_id = ?", versions);
        }
        // edges exist only for dependents that were known before: a new one has none yet
        Map<UUID, Set<UUID>> existing = new HashMap<>();
        List<UUID> known = applied.stream().filter(held::containsKey).toList();
        if (!known.isEmpty()) {
            named.query("SELECT child_task_id, parent_task_id FROM dependency_edge WHERE child_task_id IN (:children)",
                    Map.of("children", known), rs -> {
                        existing.computeIfAbsent(rs.getObject(1, UUID.class), c -> new HashSet<>())
                                .add(rs.getObject(2, UUID.class));
                    });
        }
        List<Object[]> deletes = new ArrayList<>();
        List<Object[]> updates = new ArrayList<>();
        List<Object[]> edges = new ArrayList<>();
        for (UUID child : applied) {
            Map<UUID, List<OutputMapping>> wanted = new LinkedHashMap<>();
            for (DependencySnapshot dependency : byChild.get(child).task().dependencies()) {
                wanted.computeIfAbsent(dependency.taskId(), id -> new ArrayList<>()).addAll(dependency.mappings());
            }
            Set<UUID> had = existing.getOrDefault(child, Set.of());
            for (UUID parent : had) {
                if (!wanted.containsKey(parent)) {
                    deletes.add(new Object[] {child, parent});
                }
            }
            int position = 0;
            for (Map.Entry<UUID, List<OutputMapping>> entry : wanted.entrySet()) {
                String mappings = Json.encode(entry.getValue());
                if (had.contains(entry.getKey())) {
                    updates.add(new Object[] {position, mappings, child, entry.getKey()});
                } else {
                    edges.add(new Object[] {child, entry.getKey(), position, mappings});
                }
                position++;
            }
        }
        if (!deletes.isEmpty()) {
            jdbc.batchUpdate("DELETE FROM dependency_edge WHERE child_task_id = ? AND parent_task_id = ?", deletes);
        }
        if (!updates.isEmpty()) {
            jdbc.batchUpdate("UPDATE dependency_edge SET position = ?, mappings = ?"
                    + " WHERE child_task_id = ? AND parent_task_id = ?", updates);
        }
        if (!edges.isEmpty()) {
            jdbc.batchUpdate("INSERT INTO dependency_edge (child_task_id, parent_task_id, position, mappings)"
                    + " VALUES (?, ?, ?, ?)", edges);
        }
        return applied;
    }

    /** Forgets deleted tasks as dependents; their edges go with their rows. */
    public void delete(Collection<UUID> childTaskIds) {
        if (!childTaskIds.isEmpty()) {
            new NamedParameterJdbcTemplate(jdbc).update("DELETE FROM fan_in WHERE child_task_id IN (:children)",
                    Map.of("children", childTaskIds));
        }
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
