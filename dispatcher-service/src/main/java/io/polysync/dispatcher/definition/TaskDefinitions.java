package io.polysync.dispatcher.definition;

import io.polysync.model.event.TaskDefinitionChanged;
import io.polysync.model.task.TaskSnapshot;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.stereotype.Service;
import org.springframework.transaction.annotation.Transactional;

import java.time.Clock;
import java.util.Optional;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;

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

    private final TaskDefinitionRepository definitions;
    private final TaskDeletionRepository deletions;
    private final Clock clock;
    private final Map<UUID, Exact> lastExact = new ConcurrentHashMap<>();

    public TaskDefinitions(TaskDefinitionRepository definitions, TaskDeletionRepository deletions, Clock clock) {
        this.definitions = definitions;
        this.deletions = deletions;
        this.clock = clock;
    }

    @Transactional
    public void changed(TaskDefinitionChanged event) {
        if (event.taskId() == null || event.task() == null || event.taskName() == null) {
            throw new IllegalArgumentException("TaskDefinitionChanged without taskId, taskName or task: " + event);
        }
        TaskDefinition.Key key = new TaskDefinition.Key(event.taskId(), event.definitionVersion());
        if (definitions.existsById(key)) {
            return;
        }
        definitions.save(new TaskDefinition(event.taskId(), event.definitionVersion(), event.taskName(), event.task(),
                clock.instant()));
        log.debug("stored definition version {} of task {} ({})", event.definitionVersion(), event.taskName(),
                event.taskId());
    }

    @Transactional
    public void deleted(UUID taskId) {
        long newest = newestVersion(taskId);
        Optional<TaskDeletion> existing = deletions.findById(taskId);
        if (existing.isEmpty()) {
            deletions.save(new TaskDeletion(taskId, newest, clock.instant()));
        } else if (!existing.get().covers(newest)) {
            existing.get().deletedAgain(newest, clock.instant());
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

    /** A stored version and its decoded snapshot, shared read-only by every run that executes it. */
    private record Exact(long version, TaskSnapshot task) {
    }

    private long newestVersion(UUID taskId) {
        return definitions.findFirstByTaskIdOrderByDefinitionVersionDesc(taskId)
                .map(TaskDefinition::definitionVersion).orElse(0L);
    }
}
