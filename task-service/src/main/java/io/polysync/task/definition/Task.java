package io.polysync.task.definition;

import io.polysync.model.task.ContentionProfileSnapshot;
import io.polysync.model.task.DependencySnapshot;
import io.polysync.model.task.MisfirePolicy;
import io.polysync.model.task.OutputMapping;
import io.polysync.model.task.TaskSnapshot;
import io.polysync.task.job.Job;
import io.polysync.task.json.JsonObjectConverter;
import jakarta.persistence.CascadeType;
import jakarta.persistence.CollectionTable;
import jakarta.persistence.Column;
import jakarta.persistence.Convert;
import jakarta.persistence.ElementCollection;
import jakarta.persistence.Embedded;
import jakarta.persistence.Entity;
import jakarta.persistence.EnumType;
import jakarta.persistence.Enumerated;
import jakarta.persistence.FetchType;
import jakarta.persistence.Id;
import jakarta.persistence.JoinColumn;
import jakarta.persistence.ManyToOne;
import jakarta.persistence.OneToMany;
import jakarta.persistence.OrderBy;
import jakarta.persistence.OrderColumn;
import jakarta.persistence.Table;
import jakarta.persistence.Version;

import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

/**
 * A configured instance of a Job. {@code definitionVersion} counts its saved versions; each one is kept in
 * {@code task_version} as the snapshot that was published.
 */
@Entity
@Table(name = "task")
public class Task {

    @Id
    private UUID id;

    @Column(nullable = false, updatable = false)
    private String name;

    @ManyToOne(fetch = FetchType.LAZY, optional = false)
    @JoinColumn(name = "job_id", nullable = false, updatable = false)
    private Job job;

    @Convert(converter = JsonObjectConverter.class)
    @Column(nullable = false)
    private Map<String, Object> parameters;

    @Column(nullable = false)
    private int priority;

    @Enumerated(EnumType.STRING)
    @Column(name = "misfire_policy", nullable = false)
    private MisfirePolicy misfirePolicy;

    @Column(name = "catch_up_limit")
    private Integer catchUpLimit;

    @Embedded
    private RetrySettings retry;

    @Column(name = "execution_timeout_seconds")
    private Long executionTimeoutSeconds;

    @Column(name = "max_concurrent_runs")
    private Integer maxConcurrentRuns;

    @OneToMany(mappedBy = "task", cascade = CascadeType.ALL, orphanRemoval = true)
    @OrderBy("ordinal")
    private List<TaskSchedule> schedules = new ArrayList<>();

    @OneToMany(mappedBy = "task", cascade = CascadeType.ALL, orphanRemoval = true)
    @OrderBy("ordinal")
    private List<TaskDependency> dependencies = new ArrayList<>();

    @ElementCollection
    @CollectionTable(name = "task_contention_profile", joinColumns = @JoinColumn(name = "task_id"))
    @OrderColumn(name = "ordinal")
    @Column(name = "profile_name", nullable = false)
    private List<String> contentionProfiles = new ArrayList<>();

    @Column(name = "definition_version", nullable = false)
    private long definitionVersion;

    @Column(name = "created_at", nullable = false, updatable = false)
    private Instant createdAt;

    @Column(name = "updated_at", nullable = false)
    private Instant updatedAt;

    @Version
    @Column(name = "row_version", nullable = false)
    private Long rowVersion;

    protected Task() {
    }

    /** A new task at definition version 1. Parents must already be persistent. */
    static Task create(UUID id, Job job, TaskValidator.ValidTask valid, Map<String, Task> parents, Instant now) {
        Task task = new Task();
        task.id = id;
        task.name = valid.name();
        task.job = job;
        task.definitionVersion = 1;
        task.createdAt = now;
        task.updatedAt = now;
        task.apply(valid, parents);
        return task;
    }

    /**
     * Replaces the definition (the job never changes). Answers whether anything changed; only then is it a new
     * definition version. Schedules and dependencies that stay keep their ids: the scheduler derives trigger ids
     * from schedule ids.
     */
    boolean replace(TaskValidator.ValidTask valid, Map<String, Task> parents, Instant now) {
        TaskSnapshot before = ownFields();
        apply(valid, parents);
        if (ownFields().equals(before)) {
            return false;
        }
        nextVersion(now);
        return true;
    }

    /** Drops the dependency on {@code parent} as a new definition version; answers whether there was one. */
    boolean removeDependencyOn(Task parent, Instant now) {
        if (!dependencies.removeIf(d -> d.parent().id().equals(parent.id()))) {
            return false;
        }
        for (int i = 0; i < dependencies.size(); i++) {
            dependencies.get(i).update(i, dependencies.get(i).mappings());
        }
        nextVersion(now);
        return true;
    }

    /**
     * A new definition version with the same fields: its Job, Platform or a linked contention profile changed, and
     * the snapshot embeds them.
     */
    void republish(Instant now) {
        nextVersion(now);
    }

    private void nextVersion(Instant now) {
        definitionVersion++;
        updatedAt = now;
    }

    /** The task's own parameter values (literals and references), before job defaults and overrides. */
    public Map<String, Object> parameters() {
        return parameters;
    }

    /**
     * The dependencies as a snapshot lists them: all a trigger needs of the definition besides its job and
     * parameters, without reading schedules or contention profiles.
     */
    public List<DependencySnapshot> dependencySnapshots() {
        return dependencies.stream().map(TaskDependency::snapshot).toList();
    }

    /** The names of the upstream tasks. */
    public List<String> parentNames() {
        return dependencies.stream().map(d -> d.parent().name()).toList();
    }

    private void apply(TaskValidator.ValidTask valid, Map<String, Task> parents) {
        parameters = valid.parameters();
        priority = valid.priority();
        misfirePolicy = valid.misfirePolicy();
        catchUpLimit = valid.catchUpLimit();
        retry = RetrySettings.of(valid.retry());
        executionTimeoutSeconds = valid.executionTimeoutSeconds();
        maxConcurrentRuns = valid.maxConcurrentRuns();
        List<TaskSchedule> unused = new ArrayList<>(schedules);
        List<TaskSchedule> newSchedules = new ArrayList<>();
        for (int i = 0; i < valid.schedules().size(); i++) {
            TaskValidator.ValidSchedule s = valid.schedules().get(i);
            TaskSchedule same = unused.stream().filter(old -> old.cron().equals(s.cron())
                    && old.timeZone().equals(s.timeZone())).findFirst().orElse(null);
            if (same != null) {
                unused.remove(same);
                same.moveTo(i);
                newSchedules.add(same);
            } else {
                newSchedules.add(new TaskSchedule(UUID.randomUUID(), this, i, s.cron(), s.timeZone()));
            }
        }
        schedules.clear();
        schedules.addAll(newSchedules);
        // One row per (task, parent) is a unique constraint: a dependency that stays is updated, not re-inserted.
        Map<UUID, TaskDependency> existing = new HashMap<>();
        dependencies.forEach(d -> existing.put(d.parent().id(), d));
        List<TaskDependency> newDependencies = new ArrayList<>();
        for (int i = 0; i < valid.dependencies().size(); i++) {
            TaskValidator.ValidDependency d = valid.dependencies().get(i);
            Task parent = parents.get(d.task());
            List<OutputMapping> mappings = d.mappings();
            TaskDependency same = existing.remove(parent.id());
            if (same != null) {
                same.update(i, mappings);
                newDependencies.add(same);
            } else {
                newDependencies.add(new TaskDependency(UUID.randomUUID(), this, parent, i, mappings));
            }
        }
        dependencies.clear();
        dependencies.addAll(newDependencies);
        if (!contentionProfiles.equals(valid.contentionProfiles())) {
            contentionProfiles.clear();
            contentionProfiles.addAll(valid.contentionProfiles());
        }
    }

    /**
     * The task at its current definition version, with its Job and Platform embedded and {@code profiles}, the
     * limits of its linked contention profiles in the order of {@link #contentionProfileNames()}. Build it through
     * {@link TaskSnapshots}, which loads them.
     */
    TaskSnapshot snapshot(List<ContentionProfileSnapshot> profiles) {
        return new TaskSnapshot(id, name, definitionVersion, job.snapshot(), parameters,
                dependencies.stream().map(TaskDependency::snapshot).toList(),
                schedules.stream().map(TaskSchedule::snapshot).toList(),
                misfirePolicy, catchUpLimit, priority, retry.policy(), executionTimeoutSeconds, maxConcurrentRuns,
                List.copyOf(contentionProfiles), profiles);
    }

    /** The fields a request sets, to tell whether a replace changed anything; profile limits are not among them. */
    private TaskSnapshot ownFields() {
        return snapshot(List.of());
    }

    /** The names of the linked contention profiles, in the order the request gave them. */
    public List<String> contentionProfileNames() {
        return List.copyOf(contentionProfiles);
    }

    public UUID id() {
        return id;
    }

    public String name() {
        return name;
    }

    public Job job() {
        return job;
    }

    public long definitionVersion() {
        return definitionVersion;
    }

    public Instant createdAt() {
        return createdAt;
    }

    public Instant updatedAt() {
        return updatedAt;
    }
}
