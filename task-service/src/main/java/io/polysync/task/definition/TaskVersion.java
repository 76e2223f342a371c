package io.polysync.task.definition;

import jakarta.persistence.Column;
import jakarta.persistence.Embeddable;
import jakarta.persistence.EmbeddedId;
import jakarta.persistence.Entity;
import jakarta.persistence.Table;
import org.springframework.data.domain.Persistable;

import java.io.Serializable;
import java.time.Instant;
import java.util.UUID;

/** One saved definition of a task, as the JSON snapshot that was published. Written once, never changed. */
@Entity
@Table(name = "task_version")
public class TaskVersion implements Persistable<TaskVersion.Key> {

    @Embeddable
    public record Key(@Column(name = "task_id") UUID taskId, @Column(name = "version") long version)
            implements Serializable {
    }

    @EmbeddedId
    private Key key;

    @Column(nullable = false, updatable = false)
    private String snapshot;

    @Column(name = "created_at", nullable = false, updatable = false)
    private Instant createdAt;

    protected TaskVersion() {
    }

    TaskVersion(UUID taskId, long version, String snapshot, Instant createdAt) {
        this.key = new Key(taskId, version);
        this.snapshot = snapshot;
        this.createdAt = createdAt;
    }

    @Override
    public Key getId() {
        return key;
    }

    /** Versions are only ever inserted. */
    @Override
    public boolean isNew() {
        return true;
    }

    public long version() {
        return key.version();
    }

    public String snapshot() {
        return snapshot;
    }

    public Instant createdAt() {
        return createdAt;
    }
}
