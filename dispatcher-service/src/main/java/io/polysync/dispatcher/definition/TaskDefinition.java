package io.polysync.dispatcher.definition;

import io.polysync.model.Json;
import io.polysync.model.task.TaskSnapshot;
import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.Id;
import jakarta.persistence.IdClass;
import jakarta.persistence.Table;
import jakarta.persistence.Transient;

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

    /**
     * The snapshot, decoded once per loaded entity: a poll of triggers resolves the same definition for each of its
     * runs from the persistence context. Rows are never changed once stored.
     */
    @Transient
    private TaskSnapshot decoded;

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
        if (decoded == null) {
            decoded = Json.decode(snapshot, TaskSnapshot.class);
        }
        return decoded;
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
