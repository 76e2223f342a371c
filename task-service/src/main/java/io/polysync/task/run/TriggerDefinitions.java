package io.polysync.task.run;

import io.polysync.model.task.DependencySnapshot;
import io.polysync.runtime.jdbc.SqlLists;
import io.polysync.task.definition.Task;
import io.polysync.task.definition.TaskRepository;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.stereotype.Component;

import java.util.Collection;
import java.util.Collections;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;

/**
 * What accepting a trigger needs of a task, by name: its id and definition version, its literals, its dependencies'
 * mappings, and its job's parameter schema and defaults.
 *
 * <p>Loading the task, job and platform entities was a third of the CPU of every Run Once and external trigger, so
 * the answer is kept (bounded, least recently used first out) and revalidated on every call with one indexed query
 * (one for all the names a batch of requests needs) for each task's id, definition version and job row version: any
 * saved change to the task or its job, a task deleted and created again under the same name, or a change made by
 * another replica, misses and reloads. Called inside the accepting transaction, so what it returns is what that
 * transaction reads.
 */
@Component
class TriggerDefinitions {

    /** The definition as acceptance uses it. */
    record TriggerDefinition(UUID taskId, String name, long definitionVersion, Map<String, Object> parameterSchema,
                             Map<String, Object> jobDefaults, Map<String, Object> parameters,
                             List<DependencySnapshot> dependencies) {
    }

    private record Stamp(UUID taskId, long definitionVersion, long jobRowVersion) {
    }

    private record Cached(Stamp stamp, TriggerDefinition definition) {
    }

    private static final int CAPACITY = 10_000;
    /** Completed by as many placeholders as names, and a closing parenthesis. */
    private static final String STAMP_SQL = "SELECT t.id, t.definition_version, j.row_version, t.name FROM task t "
            + "JOIN job j ON j.id = t.job_id WHERE t.name IN (";

    private final JdbcTemplate jdbc;
    private final TaskRepository tasks;
    private final Map<String, Cached> cache = Collections.synchronizedMap(
            new LinkedHashMap<>(16, 0.75f, true) {
                @Override
                protected boolean removeEldestEntry(Map.Entry<String, Cached> eldest) {
                    return size() > CAPACITY;
                }
            });

    TriggerDefinitions(JdbcTemplate jdbc, TaskRepository tasks) {
        this.jdbc = jdbc;
        this.tasks = tasks;
    }

    /**
     * The tasks of these names as the current transaction sees them, by name; a name without a task is missing from
     * the answer. One query stamps them all, so a batch of requests pays one round trip for its definitions.
     */
    Map<String, TriggerDefinition> findAll(Collection<String> names) {
        Set<String> distinct = new LinkedHashSet<>(names);
        if (distinct.isEmpty()) {
            return Map.of();
        }
        Map<String, Stamp> stamps = new HashMap<>();
        jdbc.query(STAMP_SQL + SqlLists.placeholders(distinct.size()) + ")",
                row -> {
                    stamps.put(row.getString(4), new Stamp(row.getObject(1, UUID.class), row.getLong(2),
                            row.getLong(3)));
                }, distinct.toArray());
        Map<String, TriggerDefinition> found = new HashMap<>();
        for (String name : distinct) {
            Stamp stamp = stamps.get(name);
            if (stamp == null) {
                cache.remove(name);
                continue;
            }
            Cached cached = cache.get(name);
            if (cached != null && cached.stamp().equals(stamp)) {
                found.put(name, cached.definition());
                continue;
            }
            // read after the stamp, so the definition is at least as new as the stamp it is kept under: a change in
            // between only costs one more load
            tasks.findByName(name).map(TriggerDefinitions::of).ifPresent(definition -> {
                cache.put(name, new Cached(stamp, definition));
                found.put(name, definition);
            });
        }
        return found;
    }

    private static TriggerDefinition of(Task task) {
        var job = task.job().snapshot();
        return new TriggerDefinition(task.id(), task.name(), task.definitionVersion(), job.parameterSchema(),
                job.defaults(), task.parameters(), task.dependencySnapshots());
    }
}
