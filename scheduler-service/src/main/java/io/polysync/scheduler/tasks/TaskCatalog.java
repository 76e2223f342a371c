package io.polysync.scheduler.tasks;

import io.polysync.model.Json;
import io.polysync.model.event.RunStateChanged;
import io.polysync.model.event.TaskDefinitionChanged;
import io.polysync.model.run.RunState;
import org.springframework.stereotype.Service;
import org.springframework.transaction.annotation.Transactional;

import java.time.Clock;
import java.util.UUID;

/**
 * The scheduler's knowledge of tasks and their latest successes, kept from the definition and run streams. Both
 * streams may be replayed: every update here is idempotent and never moves back to an older version.
 */
@Service
public class TaskCatalog {

    private final TaskViewRepository tasks;
    private final LastSuccessRepository successes;
    private final Clock clock;

    public TaskCatalog(TaskViewRepository tasks, LastSuccessRepository successes, Clock clock) {
        this.tasks = tasks;
        this.successes = successes;
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

    @Transactional
    public void on(RunStateChanged changed) {
        if (changed.state() != RunState.SUCCEEDED || changed.finishedAt() == null) {
            return;
        }
        LastSuccess last = successes.findById(changed.taskId()).orElseGet(() -> new LastSuccess(changed.taskId()));
        if (last.offer(changed.runId(), Json.encode(changed.outputs()), changed.finishedAt())) {
            successes.save(last);
        }
    }
}
