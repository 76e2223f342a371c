package io.polysync.scheduler.tasks;

import io.polysync.model.Json;
import io.polysync.model.event.RunStateChanged;
import io.polysync.model.event.TaskDefinitionChanged;
import io.polysync.model.run.RunState;
import jakarta.persistence.EntityManager;
import org.springframework.stereotype.Service;
import org.springframework.transaction.annotation.Transactional;

import java.time.Clock;
import java.util.ArrayList;
import java.util.HashMap;
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

    private final TaskViewRepository tasks;
    private final LastSuccessRepository successes;
    private final EntityManager entityManager;
    private final Clock clock;

    public TaskCatalog(TaskViewRepository tasks, LastSuccessRepository successes, EntityManager entityManager,
                       Clock clock) {
        this.tasks = tasks;
        this.successes = successes;
        this.entityManager = entityManager;
        this.clock = clock;
    }

    @Transactional
    public void on(TaskDefinitionChanged changed) {
        TaskView view = tasks.findById(changed.taskId()).orElseGet(() -> new TaskView(changed.taskId()));
        if (view.snapshot() != null && view.definitionVersion() >= changed.definitionVersion()) {
            return;
        }
        view.update(changed.taskName(), changed.definitionVersion(), Json.encode(changed.task()), clock.instant());
        tasks.save(view);
    }

    @Transactional
    public void taskDeleted(UUID taskId) {
        tasks.deleteById(taskId);
        successes.deleteById(taskId);
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
