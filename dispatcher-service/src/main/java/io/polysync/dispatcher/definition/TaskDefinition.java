package io.polysync.dispatcher.definition;

import io.polysync.model.Json;
import io.polysync.model.task.TaskSnapshot;
import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.Id;
import jakarta.persistence.IdClass;
import jakarta.persistence.Table;

import java.io.Serializable;
import java.time.Instant;
import java.util.Objects;
import java.util.UUID;

/** One version of a task definition, stored as the snapshot JSON it arrived with; never changed once stored. */
@Entity
@Table(name = "task_definition")
@IdClass(TaskDefinition.Key.class)
public class TaskDefinition {

    @Id
    @Column(name = "task_id")
    private UUID taskId;

    @Id
    @Column(name = "definition_version")
    private long definitionVersion;

    @Column(name = "task_name", nullable = false)
    private String taskName;

    @Column(name = "snapshot", nullable = false)
    private String snapshot;

    @Column(name = "received_at", nullable = false)
    private Instant receivedAt;

    protected TaskDefinition() {
    }

    TaskDefinition(UUID taskId, long definitionVersion, String taskName, TaskSnapshot snapshot, Instant receivedAt) {
        this.taskId = taskId;
        this.definitionVersion = definitionVersion;
        this.taskName = taskName;
        this.snapshot = Json.encode(snapshot);
        this.receivedAt = receivedAt;
    }

    public UUID taskId() {
        return taskId;
    }

    public long definitionVersion() {
        return definitionVersion;
    }

    public String taskName() {
        return taskName;
    }

    public TaskSnapshot snapshot() {
        return Json.decode(snapshot, TaskSnapshot.class);
    }

    public Instant receivedAt() {
        return receivedAt;
    }

    /** The primary key: a task id and one of its definition versions. */
    public static class Key implements Serializable {

        private UUID taskId;
        private long definitionVersion;

        protected Key() {
        }

        public Key(UUID taskId, long definitionVersion) {
            this.taskId = taskId;
            this.definitionVersion = definitionVersion;
        }

        @Override
        public boolean equals(Object other) {
            return other instanceof Key key && definitionVersion == key.definitionVersion
                    && Objects.equals(taskId, key.taskId);
        }

        @Override
        public int hashCode() {
            return Objects.hash(taskId, definitionVersion);
        }
    }
}
