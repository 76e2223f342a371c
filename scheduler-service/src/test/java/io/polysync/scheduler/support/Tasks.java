package io.polysync.scheduler.support;

import io.polysync.model.Json;
import io.polysync.model.event.RunStateChanged;
import io.polysync.model.event.TaskDefinitionChanged;
import io.polysync.model.run.RunError;
import io.polysync.model.run.RunState;
import io.polysync.model.run.TriggerType;
import io.polysync.model.task.DependencySnapshot;
import io.polysync.model.task.JobSnapshot;
import io.polysync.model.task.PlatformSnapshot;
import io.polysync.model.task.RetryPolicy;
import io.polysync.model.task.TaskSnapshot;

import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.UUID;

/** Wire records for scheduler tests. */
public final class Tasks {

    private Tasks() {
    }

    public static TaskSnapshot task(UUID taskId, long version, List<DependencySnapshot> dependencies,
                                    RetryPolicy retry) {
        PlatformSnapshot platform = new PlatformSnapshot(UUID.randomUUID(), "local", "shell", Map.of());
        JobSnapshot job = new JobSnapshot(UUID.randomUUID(), "job", "noop", Map.of(), Map.of(), List.of(), platform);
        return new TaskSnapshot(taskId, "task-" + taskId, version, job, Map.of(), dependencies, List.of(), null, null,
                50, retry, null, null, List.of(), null);
    }

    public static String definition(TaskSnapshot task) {
        return Json.encode(TaskDefinitionChanged.of(task, Instant.now()));
    }

    public static String succeeded(UUID taskId, UUID runId, Instant finishedAt, Map<String, Object> outputs) {
        return Json.encode(new RunStateChanged(runId, taskId, "task-" + taskId, TriggerType.MANUAL, 1, null,
                RunState.RUNNING, RunState.SUCCEEDED, "succeeded", null, outputs, "w-1", 1, "api", null,
                finishedAt, finishedAt, finishedAt, finishedAt));
    }

    public static String failed(UUID taskId, UUID runId, int attempt, RunError error, long definitionVersion,
                                Instant finishedAt) {
        return Json.encode(new RunStateChanged(runId, taskId, "task-" + taskId,
                attempt == 1 ? TriggerType.MANUAL : TriggerType.RETRY, attempt, null, RunState.RUNNING,
                RunState.FAILED, "failed", error, null, "w-1", definitionVersion, "api", null, finishedAt, finishedAt,
                finishedAt, finishedAt));
    }
}
