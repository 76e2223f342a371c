package io.polysync.dispatcher.ledger;

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

/** One line of a run's status history; entries are only ever appended. */
@Entity
@Table(name = "status_history")
public class HistoryEntry {

    @Id
    @GeneratedValue(strategy = GenerationType.IDENTITY)
    private Long id;

    @Column(name = "run_id", nullable = false)
    private UUID runId;

    @Enumerated(EnumType.STRING)
    @Column(name = "kind", nullable = false)
    private HistoryKind kind;

    @Enumerated(EnumType.STRING)
    @Column(name = "state")
    private RunState state;

    @Column(name = "reason", nullable = false)
    private String reason;

    @Column(name = "at", nullable = false)
    private Instant at;

    protected HistoryEntry() {
    }

    private HistoryEntry(UUID runId, HistoryKind kind, RunState state, String reason, Instant at) {
        this.runId = runId;
        this.kind = kind;
        this.state = state;
        this.reason = reason;
        this.at = at;
    }

    static HistoryEntry transition(UUID runId, RunState state, String reason, Instant at) {
        return new HistoryEntry(runId, HistoryKind.TRANSITION, state, reason, at);
    }

    static HistoryEntry waiting(UUID runId, String reason, Instant at) {
        return new HistoryEntry(runId, HistoryKind.WAITING, null, reason, at);
    }

    static HistoryEntry note(UUID runId, String reason, Instant at) {
        return new HistoryEntry(runId, HistoryKind.NOTE, null, reason, at);
    }

    public Long id() {
        return id;
    }

    public UUID runId() {
        return runId;
    }

    public HistoryKind kind() {
        return kind;
    }

    /** The new state, on {@link HistoryKind#TRANSITION} entries only. */
    public RunState state() {
        return state;
    }

    public String reason() {
        return reason;
    }

    public Instant at() {
        return at;
    }
}
