package io.polysync.scheduler.tasks;

import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.Id;
import jakarta.persistence.Table;

import java.time.Instant;
import java.util.UUID;

/** The newest SUCCEEDED run of a task and its outputs. */
@Entity
@Table(name = "last_success")
public class LastSuccess {

    @Id
    @Column(name = "task_id")
    private UUID taskId;

    @Column(name = "run_id", nullable = false)
    private UUID runId;

    @Column(name = "outputs", nullable = false)
    private String outputs;

    @Column(name = "finished_at", nullable = false)
    private Instant finishedAt;

    protected LastSuccess() {
    }

    public LastSuccess(UUID taskId) {
        this.taskId = taskId;
    }

    /** Takes the run only when it is newer than the one held: replays and out-of-order events never go back. */
    boolean offer(UUID runId, String outputs, Instant finishedAt) {
        if (this.finishedAt != null && !finishedAt.isAfter(this.finishedAt)) {
            return false;
        }
        this.runId = runId;
        this.outputs = outputs;
        this.finishedAt = finishedAt;
        return true;
    }

    public UUID taskId() {
        return taskId;
    }

    public UUID runId() {
        return runId;
    }

    public String outputs() {
        return outputs;
    }

    public Instant finishedAt() {
        return finishedAt;
    }
}
