package io.polysync.task.definition;

import io.polysync.model.Json;
import io.polysync.model.Topics;
import io.polysync.model.event.TaskDefinitionChanged;
import io.polysync.model.task.TaskSnapshot;
import io.polysync.runtime.outbox.Outbox;
import io.polysync.task.api.ConflictException;
import io.polysync.task.api.ImmutableName;
import io.polysync.task.api.InUseException;
import io.polysync.task.api.NotFoundException;
import io.polysync.task.job.Job;
import io.polysync.task.job.JobChanged;
import io.polysync.task.job.JobRepository;
import io.polysync.task.platform.PlatformChanged;
import io.polysync.task.profile.ContentionProfileChanged;
import io.polysync.task.profile.ContentionProfileRepository;
import io.polysync.task.validation.Errors;
import io.polysync.task.validation.FieldError;
import io.polysync.task.validation.InvalidRequestException;
import io.polysync.task.vault.VaultReferences;
import org.springframework.context.event.EventListener;
import org.springframework.data.domain.Page;
import org.springframework.data.domain.PageRequest;
import org.springframework.data.domain.Pageable;
import org.springframework.data.domain.Sort;
import org.springframework.stereotype.Service;
import org.springframework.transaction.annotation.Propagation;
import org.springframework.transaction.annotation.Transactional;

import java.time.Clock;
import java.time.Instant;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.function.Function;
import java.util.stream.Collectors;

/**
 * Saves tasks. Every saved version is kept in {@code task_version} and published to
 * {@code polysync.task-definitions} through the outbox in the same transaction, so the other services never miss
 * a version and never see one that was rolled back; a deleted task is published as a tombstone.
 */
@Service
public class TaskService {

    private final TaskRepository tasks;
    private final TaskVersionRepository versions;
    private final JobRepository jobs;
    private final ContentionProfileRepository profiles;
    private final TaskSnapshots snapshots;
    private final VaultReferences vaults;
    private final Outbox outbox;
    private final Clock clock;

    public TaskService(TaskRepository tasks, TaskVersionRepository versions, JobRepository jobs,
                       ContentionProfileRepository profiles, TaskSnapshots snapshots, VaultReferences vaults,
                       Outbox outbox, Clock clock) {
        this.tasks = tasks;
        this.versions = versions;
        this.jobs = jobs;
        this.profiles = profiles;
        this.snapshots = snapshots;
        this.vaults = vaults;
        this.outbox = outbox;
        this.clock = clock;
    }

    @Transactional
    public TaskView create(TaskRequest request) {
        TaskValidator.ValidTask valid = validate(request);
        if (tasks.existsByName(valid.name())) {
            throw new ConflictException("name", "a task named '" + valid.name() + "' already exists");
        }
        Job job = jobs.findByName(valid.job()).orElseThrow();
        Map<String, Task> parents = parents(valid);
        Instant now = clock.instant();
        Task task = tasks.saveAndFlush(Task.create(UUID.randomUUID(), job, valid, parents, now));
        publish(task, now);
        return TaskView.of(task, snapshots.of(task));
    }

    /**
     * Replaces the task's definition. The name and the job cannot change; an absent {@code job} means the saved
     * one. A request that changes nothing makes no new version.
     */
    @Transactional
    public TaskView replace(String name, TaskRequest request) {
        String same = ImmutableName.of(name, request.name());
        Task task = find(name);
        if (request.job() != null && !request.job().equals(task.job().name())) {
            throw new InvalidRequestException("job", "the job of a saved task cannot change (it is '"
                    + task.job().name() + "'); create a new task for job '" + request.job() + "'");
        }
        TaskValidator.ValidTask valid = validate(new TaskRequest(same, task.job().name(), request.parameters(),
                request.dependencies(), request.schedules(), request.misfirePolicy(), request.catchUpLimit(),
                request.priority(), request.retry(), request.executionTimeoutSeconds(), request.maxConcurrentRuns(),
                request.contentionProfiles()));
        Instant now = clock.instant();
        if (task.replace(valid, parents(valid), now)) {
            tasks.flush();
            publish(task, now);
        }
        return TaskView.of(task, snapshots.of(task));
    }

    /**
     * Deletes the task and publishes a tombstone. Refused with the dependent tasks unless {@code cascade}, which
     * first removes the dependencies on it (each dependent gets a new version).
     */
    @Transactional
    public void delete(String name, boolean cascade) {
        Task task = find(name);
        List<Task> dependents = tasks.findDependents(task);
        if (!dependents.isEmpty() && !cascade) {
            throw new InUseException("task '" + name + "'", Map.of("tasks",
                    dependents.stream().map(Task::name).sorted().toList()));
        }
        Instant now = clock.instant();
        for (Task dependent : dependents) {
            if (dependent.removeDependencyOn(task, now)) {
                tasks.flush();
                publish(dependent, now);
            }
        }
        tasks.delete(task);
        tasks.flush();
        outbox.append(Topics.TASK_DEFINITIONS, task.id().toString(), null);
    }

    @Transactional(readOnly = true)
    public TaskView get(String name) {
        Task task = find(name);
        return TaskView.of(task, snapshots.of(task));
    }

    /** Saved versions of the task, newest first, as they were published. */
    @Transactional(readOnly = true)
    public Page<TaskVersionView> versions(String name, Pageable pageable) {
        Task task = find(name);
        PageRequest newestFirst = PageRequest.of(pageable.getPageNumber(), pageable.getPageSize(),
                Sort.by(Sort.Direction.DESC, "key.version"));
        return versions.findByKeyTaskId(task.id(), newestFirst).map(TaskVersionView::of);
    }

    /** One saved version, or a 404 naming {@code version}. */
    @Transactional(readOnly = true)
    public TaskVersionView version(String name, long version) {
        Task task = find(name);
        return versions.findById(new TaskVersion.Key(task.id(), version)).map(TaskVersionView::of)
                .orElseThrow(() -> new NotFoundException("version", "task '" + name + "' has no version " + version
                        + "; its latest is " + task.definitionVersion()));
    }

    @Transactional(readOnly = true)
    public Page<TaskView> list(String nameFilter, Pageable pageable) {
        return tasks.findByNameContaining(nameFilter == null ? "" : nameFilter, pageable)
                .map(t -> TaskView.of(t, snapshots.of(t)));
    }

    /** The names of every task, for suggesting a close one when a name is unknown. */
    @Transactional(readOnly = true)
    public List<String> names() {
        return tasks.findAll().stream().map(Task::name).toList();
    }

    /** The task's current definition, for previews. */
    @Transactional(readOnly = true)
    public TaskSnapshot snapshot(String name) {
        return snapshots.of(find(name));
    }

    /** The task, or a 404 naming it. */
    @Transactional(readOnly = true)
    public Task find(String name) {
        return tasks.findByName(name)
                .orElseThrow(() -> new NotFoundException("name", "no task named '" + name + "'"));
    }

    /**
     * A job changed inside the caller's transaction: every task using it must still be valid against it — its
     * parameters, its mapped inputs, and the outputs its children map — and is republished as a new version.
     * Otherwise the job's change is refused, naming the tasks.
     */
    @EventListener
    @Transactional(propagation = Propagation.MANDATORY)
    public void onJobChanged(JobChanged event) {
        Job job = jobs.findById(event.jobId()).orElseThrow();
        List<Task> using = tasks.findByJobId(job.id());
        Errors errors = new Errors();
        for (Task task : using) {
            TaskSnapshot s = snapshots.of(task);
            Set<String> mapped = new HashSet<>();
            s.dependencies().forEach(d -> d.mappings().forEach(m -> mapped.add(m.input())));
            Set<String> accepted = TaskParameters.accepted(job.parameterSchema());
            for (String input : mapped) {
                if (!accepted.contains(input)) {
                    errors.add("parameterSchema", "task '" + task.name() + "' maps a parent output into '" + input
                            + "', which the job would no longer accept");
                }
            }
            for (FieldError e : TaskParameters.problems(job.name(), job.parameterSchema(), job.defaults(),
                    s.parameters(), mapped)) {
                errors.add("parameterSchema", "task '" + task.name() + "' would become invalid: " + e.field() + " "
                        + e.message());
            }
            for (Task child : tasks.findDependents(task)) {
                snapshots.of(child).dependencies().stream().filter(d -> d.taskId().equals(task.id()))
                        .flatMap(d -> d.mappings().stream())
                        .filter(m -> !job.outputs().contains(m.output()))
                        .forEach(m -> errors.add("outputs", "task '" + child.name() + "' maps output '" + m.output()
                                + "' of task '" + task.name() + "', which the job would no longer declare"));
            }
        }
        errors.throwIfAny();
        republish(using, event.at());
    }

    /** A platform changed inside the caller's transaction: every task whose job runs on it is republished. */
    @EventListener
    @Transactional(propagation = Propagation.MANDATORY)
    public void onPlatformChanged(PlatformChanged event) {
        republish(tasks.findByJobPlatformId(event.platformId()), event.at());
    }

    /**
     * A contention profile's limits changed inside the caller's transaction: every task linked to it is republished
     * with the new limits embedded.
     */
    @EventListener
    @Transactional(propagation = Propagation.MANDATORY)
    public void onContentionProfileChanged(ContentionProfileChanged event) {
        republish(tasks.findByContentionProfile(event.name()), event.at());
    }

    private void republish(List<Task> changed, Instant now) {
        for (Task task : changed) {
            task.republish(now);
        }
        tasks.flush();
        changed.forEach(task -> publish(task, now));
    }

    private TaskValidator.ValidTask validate(TaskRequest request) {
        return TaskValidator.validate(request,
                name -> jobs.findByName(name).map(j -> new TaskValidator.JobRef(j.name(), j.outputs(),
                        j.parameterSchema(), j.defaults())),
                this::taskRef, profiles::existsByName, vaults);
    }

    private Optional<TaskValidator.TaskRef> taskRef(String name) {
        return tasks.findByName(name).map(t -> new TaskValidator.TaskRef(t.name(), t.job().outputs(),
                t.parentNames()));
    }

    private Map<String, Task> parents(TaskValidator.ValidTask valid) {
        List<String> names = valid.dependencies().stream().map(TaskValidator.ValidDependency::task).toList();
        return names.isEmpty() ? Map.of()
                : tasks.findByNameIn(names).stream().collect(Collectors.toMap(Task::name, Function.identity()));
    }

    private void publish(Task task, Instant now) {
        TaskSnapshot snapshot = snapshots.of(task);
        versions.save(new TaskVersion(task.id(), snapshot.definitionVersion(), Json.encode(snapshot), now));
        outbox.append(Topics.TASK_DEFINITIONS, task.id().toString(), TaskDefinitionChanged.of(snapshot, now));
    }
}
