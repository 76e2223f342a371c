package io.polysync.task.run;

import io.polysync.model.task.DependencySnapshot;
import io.polysync.task.definition.Task;
import io.polysync.task.definition.TaskRepository;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.stereotype.Component;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;

/**
 * What accepting a trigger needs of a task, by name: its id and definition version, its literals, its dependencies'
 * mappings, and its job's parameter schema and defaults.
 *
 * <p>Loading the task, job and platform entities was a third of the CPU of every Run Once and external trigger, so
 * the answer is kept (bounded, least recently used first out) and revalidated on every call with one indexed query
 * for the task's id, definition version and job row version: any saved change to the task or its job, a task
 * deleted and created again under the same name, or a change made by another replica, misses and reloads. Called
 * inside the accepting transaction, so what it returns is what that transaction reads.
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
    private static final String STAMP_SQL = "SELECT t.id, t.definition_version, j.row_version FROM task t "
            + "JOIN job j ON j.id = t.job_id WHERE t.name = ?";

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

    /** The task named {@code name} as the current transaction sees it; empty when there is none. */
    Optional<TriggerDefinition> find(String name) {
        List<Stamp> stamps = jdbc.query(STAMP_SQL, (rs, i) -> new Stamp(rs.getObject(1, UUID.class), rs.getLong(2),
                rs.getLong(3)), name);
        if (stamps.isEmpty()) {
            cache.remove(name);
            return Optional.empty();
        }
        Stamp stamp = stamps.get(0);
        Cached cached = cache.get(name);
        if (cached != null && cached.stamp().equals(stamp)) {
            return Optional.of(cached.definition());
        }
        // read after the stamp, so the definition is at least as new as the stamp it is kept under: a change in
        // between only costs one more load
        Optional<TriggerDefinition> loaded = tasks.findByName(name).map(TriggerDefinitions::of);
        loaded.ifPresent(definition -> cache.put(name, new Cached(stamp, definition)));
        return loaded;
    }

    private static TriggerDefinition of(Task task) {
        var job = task.job().snapshot();
        return new TriggerDefinition(task.id(), task.name(), task.definitionVersion(), job.parameterSchema(),
                job.defaults(), task.parameters(), task.dependencySnapshots());
    }
}
