package io.polysync.scheduler.tasks;

import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.Id;
import jakarta.persistence.Table;

import java.time.Instant;
import java.util.UUID;

/**
 * The latest definition of one task, as the scheduler last saw it on polysync.task-definitions. Read here; written by
 * {@link TaskCatalog#onDefinitions} with batched JDBC, a poll at a time.
 */
@Entity
@Table(name = "task_view")
public class TaskView {

    @Id
    @Column(name = "task_id")
    private UUID taskId;

    @Column(name = "task_name", nullable = false)
    private String taskName;

    @Column(name = "definition_version", nullable = false)
    private long definitionVersion;

    @Column(name = "snapshot", nullable = false)
    private String snapshot;

    @Column(name = "updated_at", nullable = false)
    private Instant updatedAt;

    protected TaskView() {
    }

    TaskView(UUID taskId, String taskName, long definitionVersion, String snapshot, Instant updatedAt) {
        this.taskId = taskId;
        this.taskName = taskName;
        this.definitionVersion = definitionVersion;
        this.snapshot = snapshot;
        this.updatedAt = updatedAt;
    }

    public UUID taskId() {
        return taskId;
    }

    public String taskName() {
        return taskName;
    }

    public long definitionVersion() {
        return definitionVersion;
    }

    public String snapshot() {
        return snapshot;
    }
}
