package io.polysync.task.definition;

import io.polysync.model.Json;
import io.polysync.model.Topics;
import io.polysync.model.event.TaskDefinitionChanged;
import io.polysync.model.task.TaskSnapshot;
import io.polysync.runtime.outbox.Outbox;
import io.polysync.task.api.ConflictException;
import io.polysync.task.api.NotFoundException;
import io.polysync.task.job.Job;
import io.polysync.task.job.JobRepository;
import org.springframework.data.domain.Page;
import org.springframework.data.domain.Pageable;
import org.springframework.stereotype.Service;
import org.springframework.transaction.annotation.Transactional;

import java.time.Clock;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.function.Function;
import java.util.stream.Collectors;

/**
 * Saves tasks. Every saved version is kept in {@code task_version} and published to
 * {@code polysync.task-definitions} through the outbox in the same transaction, so the other services never miss
 * a version and never see one that was rolled back.
 */
@Service
public class TaskService {

    private final TaskRepository tasks;
    private final TaskVersionRepository versions;
    private final JobRepository jobs;
    private final Outbox outbox;
    private final Clock clock;

    public TaskService(TaskRepository tasks, TaskVersionRepository versions, JobRepository jobs, Outbox outbox,
                       Clock clock) {
        this.tasks = tasks;
        this.versions = versions;
        this.jobs = jobs;
        this.outbox = outbox;
        this.clock = clock;
    }

    @Transactional
    public TaskView create(TaskRequest request) {
        TaskValidator.ValidTask valid = TaskValidator.validate(request,
                name -> jobs.findByName(name).map(j -> new TaskValidator.JobRef(j.name(), j.outputs())),
                name -> tasks.findByName(name).map(t -> new TaskValidator.TaskRef(t.name(), t.job().outputs())));
        if (tasks.existsByName(valid.name())) {
            throw new ConflictException("name", "a task named '" + valid.name() + "' already exists");
        }
        Job job = jobs.findByName(valid.job()).orElseThrow();
        Map<String, Task> parents = parents(valid);
        Instant now = clock.instant();
        Task task = tasks.saveAndFlush(Task.create(UUID.randomUUID(), job, valid, parents, now));
        publish(task, now);
        return TaskView.of(task);
    }

    @Transactional(readOnly = true)
    public TaskView get(String name) {
        return TaskView.of(find(name));
    }

    /** Every saved version of the task, oldest first, as it was published. */
    @Transactional(readOnly = true)
    public List<TaskVersionView> versions(String name) {
        Task task = find(name);
        return versions.findByKeyTaskIdOrderByKeyVersionAsc(task.id()).stream().map(TaskVersionView::of).toList();
    }

    @Transactional(readOnly = true)
    public Page<TaskView> list(String nameFilter, Pageable pageable) {
        return tasks.findByNameContaining(nameFilter == null ? "" : nameFilter, pageable).map(TaskView::of);
    }

    /** The task, or a 404 naming it. */
    @Transactional(readOnly = true)
    public Task find(String name) {
        return tasks.findByName(name)
                .orElseThrow(() -> new NotFoundException("name", "no task named '" + name + "'"));
    }

    private Map<String, Task> parents(TaskValidator.ValidTask valid) {
        List<String> names = valid.dependencies().stream().map(TaskValidator.ValidDependency::task).toList();
        return names.isEmpty() ? Map.of()
                : tasks.findByNameIn(names).stream().collect(Collectors.toMap(Task::name, Function.identity()));
    }

    private void publish(Task task, Instant now) {
        TaskSnapshot snapshot = task.snapshot();
        versions.save(new TaskVersion(task.id(), snapshot.definitionVersion(), Json.encode(snapshot), now));
        outbox.append(Topics.TASK_DEFINITIONS, task.id().toString(), TaskDefinitionChanged.of(snapshot, now));
    }
}
