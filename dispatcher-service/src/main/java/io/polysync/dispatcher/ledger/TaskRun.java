package io.polysync.dispatcher.ledger;

import io.polysync.model.Json;
import io.polysync.model.event.RunStateChanged;
import io.polysync.model.event.TriggerRequested;
import io.polysync.model.run.Band;
import io.polysync.model.run.RunError;
import io.polysync.model.run.RunState;
import io.polysync.model.run.TriggerType;
import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.EnumType;
import jakarta.persistence.Enumerated;
import jakarta.persistence.Id;
import jakarta.persistence.Table;
import jakarta.persistence.Version;

import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.temporal.ChronoUnit;
import java.util.Map;
import java.util.UUID;

/**
 * One execution attempt of a task: a row of the run ledger. Its state only moves forwards ({@link RunState#canMoveTo});
 * every mutator refuses a move the state machine forbids, whatever the caller decided.
 */
@Entity
@Table(name = "task_run")
public class TaskRun {

    @Id
    @Column(name = "run_id")
    private UUID runId;

    @Column(name = "trigger_id", nullable = false, unique = true)
    private UUID triggerId;

    @Column(name = "task_id", nullable = false)
    private UUID taskId;

    @Column(name = "task_name", nullable = false)
    private String taskName;

    @Enumerated(EnumType.STRING)
    @Column(name = "trigger_type", nullable = false)
    private TriggerType triggerType;

    @Column(name = "attempt", nullable = false)
    private int attempt;

    @Column(name = "retry_of")
    private UUID retryOf;

    @Column(name = "definition_version", nullable = false)
    private long definitionVersion;

    @Column(name = "priority", nullable = false)
    private int priority;

    @Enumerated(EnumType.STRING)
    @Column(name = "band")
    private Band band;

    @Column(name = "parameters", nullable = false)
    private String parameters;

    @Column(name = "requested_by")
    private String requestedBy;

    @Column(name = "scheduled_for")
    private Instant scheduledFor;

    @Enumerated(EnumType.STRING)
    @Column(name = "state", nullable = false)
    private RunState state;

    @Column(name = "queued_at", nullable = false)
    private Instant queuedAt;

    @Column(name = "admitted_at")
    private Instant admittedAt;

    @Column(name = "started_at")
    private Instant startedAt;

    @Column(name = "finished_at")
    private Instant finishedAt;

    @Column(name = "claimed_by")
    private String claimedBy;

    @Column(name = "last_heartbeat_at")
    private Instant lastHeartbeatAt;

    @Column(name = "outputs")
    private String outputs;

    @Column(name = "error")
    private String error;

    @Column(name = "waiting_reason")
    private String waitingReason;

    /** The contention profile whose gate this run waits for; null when it waits for its task's own limit. */
    @Column(name = "waiting_profile")
    private String waitingProfile;

    @Column(name = "job_type")
    private String jobType;

    @Column(name = "parent_succeeded_at")
    private Instant parentSucceededAt;

    /** A wrapper type on purpose: null marks a run not yet persisted, so saving it inserts without a lookup. */
    @Version
    @Column(name = "version", nullable = false)
    private Long version;

    protected TaskRun() {
    }

    /** A new run in state QUEUED, created from its trigger and the definition version it executes. */
    static TaskRun queued(TriggerRequested trigger, long definitionVersion, int priority, String jobType,
                          Map<String, Object> effectiveParameters, Instant now) {
        TaskRun run = new TaskRun();
        run.runId = trigger.runId();
        run.triggerId = trigger.triggerId();
        run.taskId = trigger.taskId();
        run.taskName = trigger.taskName();
        run.triggerType = trigger.triggerType();
        run.attempt = trigger.attempt();
        run.retryOf = trigger.retryOf();
        run.definitionVersion = definitionVersion;
        run.priority = priority;
        run.parameters = Json.encode(effectiveParameters);
        run.requestedBy = trigger.requestedBy();
        run.scheduledFor = trigger.scheduledFor();
        run.state = RunState.QUEUED;
        run.jobType = jobType;
        run.parentSucceededAt = trigger.parentSucceededAt() == null ? null
                : trigger.parentSucceededAt().truncatedTo(ChronoUnit.MICROS);
        // queued when it was requested, not when this dispatcher got to it: the read model written by Run Once and
        // the ledger then agree, and waiting order reflects the request order
        run.queuedAt = trigger.occurredAt() == null || trigger.occurredAt().isAfter(now)
                ? now : trigger.occurredAt().truncatedTo(ChronoUnit.MICROS);
        return run;
    }

    /**
     * The run in the current row of {@code row} (every column of {@code task_run}), read by {@link RunRows} without a
     * persistence context: the hot path decides on it with the same rules as on a managed run, and writes it back
     * itself.
     */
    static TaskRun read(ResultSet row) throws SQLException {
        TaskRun run = new TaskRun();
        run.runId = row.getObject("run_id", UUID.class);
        run.triggerId = row.getObject("trigger_id", UUID.class);
        run.taskId = row.getObject("task_id", UUID.class);
        run.taskName = row.getString("task_name");
        run.triggerType = TriggerType.valueOf(row.getString("trigger_type"));
        run.attempt = row.getInt("attempt");
        run.retryOf = row.getObject("retry_of", UUID.class);
        run.definitionVersion = row.getLong("definition_version");
        run.priority = row.getInt("priority");
        String band = row.getString("band");
        run.band = band == null ? null : Band.valueOf(band);
        run.parameters = row.getString("parameters");
        run.requestedBy = row.getString("requested_by");
        run.scheduledFor = instant(row, "scheduled_for");
        run.state = RunState.valueOf(row.getString("state"));
        run.queuedAt = instant(row, "queued_at");
        run.admittedAt = instant(row, "admitted_at");
        run.startedAt = instant(row, "started_at");
        run.finishedAt = instant(row, "finished_at");
        run.claimedBy = row.getString("claimed_by");
        run.lastHeartbeatAt = instant(row, "last_heartbeat_at");
        run.outputs = row.getString("outputs");
        run.error = row.getString("error");
        run.waitingReason = row.getString("waiting_reason");
        run.waitingProfile = row.getString("waiting_profile");
        run.jobType = row.getString("job_type");
        run.parentSucceededAt = instant(row, "parent_succeeded_at");
        run.version = row.getLong("version");
        return run;
    }

    private static Instant instant(ResultSet row, String column) throws SQLException {
        OffsetDateTime at = row.getObject(column, OffsetDateTime.class);
        return at == null ? null : at.toInstant();
    }

    /** {@link RunRows} wrote the run as {@code written}: the version the row now has. */
    void written(long written) {
        version = written;
    }

    /** Admission let the run go: it is on its way to the work topic of {@code band}. */
    public void admit(Band band, Instant at) {
        if (state != RunState.QUEUED || admittedAt != null) {
            throw new IllegalStateException("run " + runId + " cannot be admitted: " + state
                    + (admittedAt != null ? ", admitted at " + admittedAt : ""));
        }
        this.band = band;
        this.admittedAt = at;
        this.waitingReason = null;
        this.waitingProfile = null;
    }

    void start(String workerId, Instant at, Instant heartbeatAt) {
        moveTo(RunState.RUNNING);
        claimedBy = workerId;
        startedAt = storable(at);
        lastHeartbeatAt = heartbeatAt;
    }

    void heartbeat(Instant at) {
        if (state != RunState.RUNNING) {
            throw new IllegalStateException("run " + runId + " is " + state + ", not RUNNING");
        }
        lastHeartbeatAt = at;
    }

    void succeed(String workerId, Map<String, Object> outputs, Instant at) {
        finish(RunState.SUCCEEDED, workerId, at);
        this.outputs = Json.encode(outputs == null ? Map.of() : outputs);
    }

    void fail(String workerId, RunError error, Instant at) {
        finish(RunState.FAILED, workerId, at);
        this.error = Json.encode(error);
    }

    void cancel(String workerId, Instant at) {
        finish(RunState.CANCELLED, workerId, at);
    }

    /**
     * Records why this queued run waits and for which profile's gate (null: the task's own limit); false when it is
     * the reason already recorded.
     */
    boolean waitFor(String reason, String profile) {
        if (state != RunState.QUEUED || admittedAt != null) {
            throw new IllegalStateException("run " + runId + " is not waiting for admission");
        }
        waitingProfile = profile;
        if (reason.equals(waitingReason)) {
            return false;
        }
        waitingReason = reason;
        return true;
    }

    private void finish(RunState terminal, String workerId, Instant at) {
        moveTo(terminal);
        waitingReason = null;
        waitingProfile = null;
        if (claimedBy == null) {
            claimedBy = workerId;
        }
        finishedAt = storable(at);
    }

    /** Worker clocks may tick in nanoseconds; the ledger keeps microseconds, and events must carry what it keeps. */
    private static Instant storable(Instant reported) {
        return reported.truncatedTo(ChronoUnit.MICROS);
    }

    private void moveTo(RunState next) {
        if (!state.canMoveTo(next)) {
            throw new IllegalStateException("run " + runId + " cannot move from " + state + " to " + next);
        }
        state = next;
    }

    /**
     * The whole current view of the run, as the public lifecycle stream carries it.
     *
     * @param withParameters whether the event carries the effective parameters: only the events that create the run
     *                       do, every later one would repeat them on the hot path
     */
    RunStateChanged stateChanged(RunState previousState, String reason, Instant occurredAt, boolean withParameters) {
        return new RunStateChanged(runId, taskId, taskName, triggerType, attempt, retryOf, previousState, state, reason,
                error(), outputs(), claimedBy, definitionVersion, requestedBy, scheduledFor, queuedAt, startedAt,
                finishedAt, occurredAt, withParameters ? parameters() : Map.of());
    }

    public UUID runId() {
        return runId;
    }

    public UUID triggerId() {
        return triggerId;
    }

    public UUID taskId() {
        return taskId;
    }

    public String taskName() {
        return taskName;
    }

    public TriggerType triggerType() {
        return triggerType;
    }

    public int attempt() {
        return attempt;
    }

    public UUID retryOf() {
        return retryOf;
    }

    public long definitionVersion() {
        return definitionVersion;
    }

    public int priority() {
        return priority;
    }

    /** The band it was dispatched to; null until admitted. */
    public Band band() {
        return band;
    }

    /** The effective parameters (DESIGN.md section 10 rule 13), vault references unresolved. */
    public Map<String, Object> parameters() {
        return JsonText.map(parameters);
    }

    public String requestedBy() {
        return requestedBy;
    }

    public Instant scheduledFor() {
        return scheduledFor;
    }

    public RunState state() {
        return state;
    }

    public Instant queuedAt() {
        return queuedAt;
    }

    public Instant admittedAt() {
        return admittedAt;
    }

    public Instant startedAt() {
        return startedAt;
    }

    public Instant finishedAt() {
        return finishedAt;
    }

    /** The worker holding the run's claim: the first one that started it (DESIGN.md section 10 rule 6). */
    public String claimedBy() {
        return claimedBy;
    }

    public Instant lastHeartbeatAt() {
        return lastHeartbeatAt;
    }

    /** The job outputs, on SUCCEEDED; null otherwise. */
    public Map<String, Object> outputs() {
        return JsonText.map(outputs);
    }

    /** The error, on FAILED; null otherwise. */
    public RunError error() {
        return error == null ? null : Json.decode(error, RunError.class);
    }

    /** Why the run, QUEUED and not admitted, waits; null otherwise. */
    public String waitingReason() {
        return waitingReason;
    }

    /** The job type of the definition it executes; null for runs queued before it was recorded. */
    public String jobType() {
        return jobType;
    }

    /** For a DEPENDENCY run, when the parent run that completed its fan-in finished; null otherwise. */
    public Instant parentSucceededAt() {
        return parentSucceededAt;
    }

    /** Whether it was admitted and has not finished: it holds its task slot and its profile permits. */
    public boolean holdsPermits() {
        return admittedAt != null && !state.isTerminal();
    }

    public Long version() {
        return version;
    }

    /** The columns as stored, for {@link RunRows}. */
    String parametersText() {
        return parameters;
    }

    String outputsText() {
        return outputs;
    }

    String errorText() {
        return error;
    }

    String waitingProfile() {
        return waitingProfile;
    }
}
