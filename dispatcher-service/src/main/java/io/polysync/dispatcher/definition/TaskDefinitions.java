package io.polysync.dispatcher.definition;

import io.polysync.model.Json;
import io.polysync.model.event.TaskDefinitionChanged;
import io.polysync.model.task.TaskSnapshot;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.jdbc.core.namedparam.NamedParameterJdbcTemplate;
import org.springframework.stereotype.Service;
import org.springframework.transaction.annotation.Transactional;

import java.sql.Timestamp;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.stream.Collectors;

/**
 * This dispatcher's copy of every task definition version published on {@code polysync.task-definitions}. Storing
 * is idempotent, so a replay of the compacted topic changes nothing.
 *
 * <p>The copy lives in the shared database; each replica also keeps, per task, the snapshot of the version it last
 * resolved exactly. A stored version is never changed or removed (a deletion only adds a tombstone, and an exact
 * version resolves whatever the tombstone says), so that snapshot stays right for as long as the replica runs, and a
 * poll of triggers resolves its definitions without a query per trigger. One version per task bounds the memory by
 * the number of tasks; a trigger of another version reads the database as before.
 */
@Service
public class TaskDefinitions {

    private static final Logger log = LoggerFactory.getLogger(TaskDefinitions.class);
    /** No conflict target: the form PostgreSQL and H2 (the standalone default) both accept. */
    private static final String INSERT_VERSION = "INSERT INTO task_definition "
            + "(task_id, definition_version, task_name, snapshot, received_at) VALUES (?, ?, ?, ?, ?) "
            + "ON CONFLICT DO NOTHING";

    /** Tasks per prefetch query: far below the bind-parameter limits of PostgreSQL and H2. */
    private static final int CHUNK = 1000;

    private final TaskDefinitionRepository definitions;
    private final TaskDeletionRepository deletions;
    private final JdbcTemplate jdbc;
    private final Clock clock;
    private final Map<UUID, Exact> lastExact = new ConcurrentHashMap<>();

    public TaskDefinitions(TaskDefinitionRepository definitions, TaskDeletionRepository deletions, JdbcTemplate jdbc,
                           Clock clock) {
        this.definitions = definitions;
        this.deletions = deletions;
        this.jdbc = jdbc;
        this.clock = clock;
    }

    /**
     * Stores one poll of definition records, in order, in the caller's transaction: the versions of a run of changes
     * in one JDBC batch that passes over those already stored ({@code ON CONFLICT DO NOTHING}: replays and redeliveries
     * change nothing, as one by one), each deletion once the changes before it are written. A poll of a hundred new
     * tasks costs one round trip where it cost two queries and an insert per task.
     */
    @Transactional
    public void applyAll(List<DefinitionChange> changes) {
        List<Object[]> versions = new ArrayList<>();
        Timestamp now = Timestamp.from(clock.instant());
        for (DefinitionChange change : changes) {
            if (change.deleted()) {
                store(versions);
                deleted(change.taskId());
            } else {
                TaskDefinitionChanged event = change.changed();
                versions.add(new Object[] {event.taskId(), event.definitionVersion(), event.taskName(),
                        Json.encode(event.task()), now});
            }
        }
        store(versions);
    }

    private void store(List<Object[]> versions) {
        if (!versions.isEmpty()) {
            jdbc.batchUpdate(INSERT_VERSION, versions);
            versions.clear();
        }
    }

    @Transactional
    void deleted(UUID taskId) {
        long newest = newestVersion(taskId);
        Optional<TaskDeletion> existing = deletions.findById(taskId);
        if (existing.isEmpty()) {
            deletions.save(new TaskDeletion(taskId, newest, clock.instant()));
        } else if (!existing.get().covers(newest)) {
            existing.get().deletedAgain(newest, clock.instant());
        }
    }

    /**
     * Reads, with one query per {@link #CHUNK} tasks, the exact versions this replica has not resolved yet, so that
     * resolving a poll's triggers one by one afterwards reads nothing more: a poll of triggers for a hundred tasks
     * new to this replica (a fan-out, a minute of schedules) cost a query per task. Versions not stored (yet) are
     * left to {@link #resolve}, which decides what they mean.
     *
     * @param versionByTask per task, the definition version its trigger was made from
     */
    public void prefetch(Map<UUID, Long> versionByTask) {
        List<UUID> missing = versionByTask.entrySet().stream()
                .filter(e -> {
                    Exact known = lastExact.get(e.getKey());
                    return known == null || known.version() != e.getValue();
                })
                .map(Map.Entry::getKey).toList();
        NamedParameterJdbcTemplate named = new NamedParameterJdbcTemplate(jdbc);
        for (int from = 0; from < missing.size(); from += CHUNK) {
            List<UUID> chunk = missing.subList(from, Math.min(missing.size(), from + CHUNK));
            Set<Long> versions = chunk.stream().map(versionByTask::get).collect(Collectors.toSet());
            // both lists filter: a row of a wanted task at another task's version is passed over below
            named.query("SELECT task_id, definition_version, snapshot FROM task_definition"
                            + " WHERE task_id IN (:tasks) AND definition_version IN (:versions)",
                    Map.of("tasks", chunk, "versions", versions), rs -> {
                        UUID taskId = rs.getObject(1, UUID.class);
                        long version = rs.getLong(2);
                        if (versionByTask.get(taskId) == version) {
                            lastExact.put(taskId, new Exact(version, Json.decode(rs.getString(3), TaskSnapshot.class)));
                        }
                    });
        }
    }

    /**
     * The definition a trigger made from {@code version} executes: that version, or, when it is no longer available
     * (compaction keeps only the newest), the newest known one. Runs in the caller's transaction.
     *
     * @throws DefinitionNotYetKnownException when neither has arrived yet and the task is not deleted
     * @throws UnknownTaskException           when the task is deleted and no usable version ever arrived
     */
    public ResolvedDefinition resolve(UUID taskId, long version) {
        Exact known = lastExact.get(taskId);
        if (known != null && known.version() == version) {
            return new ResolvedDefinition(known.task(), version, Optional.empty());
        }
        Optional<TaskDefinition> exact = definitions.findById(new TaskDefinition.Key(taskId, version));
        if (exact.isPresent()) {
            TaskSnapshot task = exact.get().snapshot();
            lastExact.put(taskId, new Exact(version, task));
            return new ResolvedDefinition(task, version, Optional.empty());
        }
        Optional<TaskDefinition> newest = definitions.findFirstByTaskIdOrderByDefinitionVersionDesc(taskId);
        if (newest.isPresent() && newest.get().definitionVersion() > version) {
            long used = newest.get().definitionVersion();
            return new ResolvedDefinition(newest.get().snapshot(), used, Optional.of(
                    "definition version " + version + " is not available; running version " + used));
        }
        long newestVersion = newest.map(TaskDefinition::definitionVersion).orElse(0L);
        if (deletions.findById(taskId).map(d -> d.covers(newestVersion)).orElse(false)) {
            throw new UnknownTaskException(taskId, version);
        }
        log.info("a trigger waits for definition version {} of task {}: not received yet, retrying", version, taskId);
        throw new DefinitionNotYetKnownException(taskId, version);
    }

    /**
     * The snapshot of exactly {@code version} when this replica has it in memory, without reading anything; empty
     * otherwise (never resolved here, or the task has moved on to another version since).
     */
    public Optional<TaskSnapshot> inMemory(UUID taskId, long version) {
        Exact known = lastExact.get(taskId);
        return known != null && known.version() == version ? Optional.of(known.task()) : Optional.empty();
    }

    /** A stored version and its decoded snapshot, shared read-only by every run that executes it. */
    private record Exact(long version, TaskSnapshot task) {
    }

    private long newestVersion(UUID taskId) {
        return definitions.findFirstByTaskIdOrderByDefinitionVersionDesc(taskId)
                .map(TaskDefinition::definitionVersion).orElse(0L);
    }
}
