package io.polysync.task.run;

import io.polysync.model.run.RunState;
import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.EnumType;
import jakarta.persistence.Enumerated;
import jakarta.persistence.GeneratedValue;
import jakarta.persistence.GenerationType;
import jakarta.persistence.Id;
import jakarta.persistence.Table;

import java.time.Instant;
import java.util.UUID;

/** One line of a run's status history. {@code state} is set on TRANSITION entries only. */
@Entity
@Table(name = "task_run_history")
public class RunHistoryEntry {

    @Id
    @GeneratedValue(strategy = GenerationType.IDENTITY)
    private Long id;

    @Column(name = "run_id", nullable = false, updatable = false)
    private UUID runId;

    @Enumerated(EnumType.STRING)
    @Column(nullable = false, updatable = false)
    private HistoryKind kind;

    @Enumerated(EnumType.STRING)
    @Column(updatable = false)
    private RunState state;

    @Column(name = "occurred_at", nullable = false, updatable = false)
    private Instant at;

    @Column(updatable = false)
    private String reason;

    protected RunHistoryEntry() {
    }

    static RunHistoryEntry transition(UUID runId, RunState state, Instant at, String reason) {
        RunHistoryEntry e = new RunHistoryEntry();
        e.runId = runId;
        e.kind = HistoryKind.TRANSITION;
        e.state = state;
        e.at = at;
        e.reason = reason;
        return e;
    }

    /** The run, still queued, waits for {@code reason}. */
    static RunHistoryEntry waiting(UUID runId, String reason, Instant at) {
        return entry(runId, HistoryKind.WAITING, reason, at);
    }

    /** Something about the run that is no transition, e.g. who asked to cancel it. */
    static RunHistoryEntry note(UUID runId, String text, Instant at) {
        return entry(runId, HistoryKind.NOTE, text, at);
    }

    private static RunHistoryEntry entry(UUID runId, HistoryKind kind, String reason, Instant at) {
        RunHistoryEntry e = new RunHistoryEntry();
        e.runId = runId;
        e.kind = kind;
        e.at = at;
        e.reason = reason;
        return e;
    }

    UUID runId() {
        return runId;
    }

    public HistoryKind kind() {
        return kind;
    }

    public RunState state() {
        return state;
    }

    public Instant at() {
        return at;
    }

    public String reason() {
        return reason;
    }
}
