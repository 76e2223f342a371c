package io.polysync.dispatcher.definition;

import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.Id;
import jakarta.persistence.Table;

import java.time.Instant;
import java.util.UUID;

/**
 * A tombstone seen for a task. It holds the newest version known when the task was deleted: a later version means
 * the task was re-created under the same id, and then it is live again.
 */
@Entity
@Table(name = "task_deletion")
public class TaskDeletion {

    @Id
    @Column(name = "task_id")
    private UUID taskId;

    @Column(name = "last_version", nullable = false)
    private long lastVersion;

    @Column(name = "deleted_at", nullable = false)
    private Instant deletedAt;

    protected TaskDeletion() {
    }

    TaskDeletion(UUID taskId, long lastVersion, Instant deletedAt) {
        this.taskId = taskId;
        this.lastVersion = lastVersion;
        this.deletedAt = deletedAt;
    }

    boolean covers(long newestKnownVersion) {
        return newestKnownVersion <= lastVersion;
    }

    void deletedAgain(long newestKnownVersion, Instant at) {
        lastVersion = newestKnownVersion;
        deletedAt = at;
    }

    public UUID taskId() {
        return taskId;
    }

    public Instant deletedAt() {
        return deletedAt;
    }
}
