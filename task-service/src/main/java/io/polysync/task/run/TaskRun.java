package io.polysync.task.run;

import io.polysync.model.Json;
import io.polysync.model.event.RunStateChanged;
import io.polysync.model.run.FailureReason;
import io.polysync.model.run.RunError;
import io.polysync.model.run.RunState;
import io.polysync.model.run.TriggerType;
import io.polysync.task.json.JsonObjectConverter;
import jakarta.persistence.Column;
import jakarta.persistence.Convert;
import jakarta.persistence.Entity;
import jakarta.persistence.EnumType;
import jakarta.persistence.Enumerated;
import jakarta.persistence.Id;
import jakarta.persistence.Table;
import jakarta.persistence.Version;
import tools.jackson.core.type.TypeReference;

import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

/**
 * The task-service's read model of one run. The dispatcher's ledger is the source of truth; this copy follows its
 * {@link RunStateChanged} events and only ever moves forward, so duplicated and replayed events change nothing.
 */
@Entity
@Table(name = "task_run")
public class TaskRun {

    private static final TypeReference<LinkedHashMap<String, Object>> PARAMETERS = new TypeReference<>() { };

    private static final JsonObjectConverter OUTPUTS = new JsonObjectConverter();

    /**
     * The columns of {@code task_run}, in the order of {@link #columnValues}: {@code run_id} first, the
     * {@code @Version} column last. Kept beside the field mapping so the JDBC path cannot drift from it.
     */
    static final List<String> COLUMNS = List.of("run_id", "task_id", "task_name", "state", "trigger_type", "attempt",
            "retry_of", "retried_by", "next_retry_at", "queued_at", "started_at", "finished_at", "scheduled_for",
            "outputs", "error_reason", "error_message", "error_retryable", "requested_by", "waiting_reason",
            "definition_version", "parameters", "updated_at", "row_version");

    @Id
    @Column(name = "run_id")
    private UUID runId;

    @Column(name = "task_id", nullable = false)
    private UUID taskId;

    @Column(name = "task_name", nullable = false)
    private String taskName;

    @Enumerated(EnumType.STRING)
    @Column(nullable = false)
    private RunState state;

    @Enumerated(EnumType.STRING)
    @Column(name = "trigger_type", nullable = false)
    private TriggerType triggerType;

    @Column(nullable = false)
    private int attempt;

    @Column(name = "retry_of")
    private UUID retryOf;

    @Column(name = "retried_by")
    private UUID retriedBy;

    @Column(name = "next_retry_at")
    private Instant nextRetryAt;

    @Column(name = "queued_at", nullable = false)
    private Instant queuedAt;

    @Column(name = "started_at")
    private Instant startedAt;

    @Column(name = "finished_at")
    private Instant finishedAt;

    @Column(name = "scheduled_for")
    private Instant scheduledFor;

    @Convert(converter = JsonObjectConverter.class)
    @Column(nullable = false)
    private Map<String, Object> outputs;

    @Enumerated(EnumType.STRING)
    @Column(name = "error_reason")
    private FailureReason errorReason;

    @Column(name = "error_message")
    private String errorMessage;

    @Column(name = "error_retryable")
    private Boolean errorRetryable;

    @Column(name = "requested_by")
    private String requestedBy;

    @Column(name = "waiting_reason")
    private String waitingReason;

    @Column(name = "definition_version", nullable = false)
    private long definitionVersion;

    /** JSON text rather than a converted map: NULL has to stay apart from an empty object (not known vs none). */
    @Column(name = "parameters")
    private String parameters;

    @Column(name = "updated_at", nullable = false)
    private Instant updatedAt;

    @Version
    @Column(name = "row_version", nullable = false)
    private Long rowVersion;

    protected TaskRun() {
    }

    /**
     * A run as {@link RunRows} reads it: the same mapping as the annotations above, by JDBC, detached from any
     * persistence context. The read model folds events into runs read this way and writes them back itself.
     */
    static TaskRun stored(ResultSet row) throws SQLException {
        TaskRun run = new TaskRun();
        run.runId = row.getObject("run_id", UUID.class);
        run.taskId = row.getObject("task_id", UUID.class);
        run.taskName = row.getString("task_name");
        run.state = RunState.valueOf(row.getString("state"));
        run.triggerType = TriggerType.valueOf(row.getString("trigger_type"));
        run.attempt = row.getInt("attempt");
        run.retryOf = row.getObject("retry_of", UUID.class);
        run.retriedBy = row.getObject("retried_by", UUID.class);
        run.nextRetryAt = instant(row, "next_retry_at");
        run.queuedAt = instant(row, "queued_at");
        run.startedAt = instant(row, "started_at");
        run.finishedAt = instant(row, "finished_at");
        run.scheduledFor = instant(row, "scheduled_for");
        run.outputs = OUTPUTS.convertToEntityAttribute(row.getString("outputs"));
        String errorReason = row.getString("error_reason");
        run.errorReason = errorReason == null ? null : FailureReason.valueOf(errorReason);
        run.errorMessage = row.getString("error_message");
        run.errorRetryable = row.getObject("error_retryable", Boolean.class);
        run.requestedBy = row.getString("requested_by");
        run.waitingReason = row.getString("waiting_reason");
        run.definitionVersion = row.getLong("definition_version");
        run.parameters = row.getString("parameters");
        run.updatedAt = instant(row, "updated_at");
        run.rowVersion = row.getLong("row_version");
        return run;
    }

    /**
     * The values of {@link #COLUMNS}, in that order, as a JDBC statement takes them. A run never stored has the
     * version JPA would give it on insert.
     */
    Object[] columnValues() {
        return new Object[] {runId, taskId, taskName, name(state), name(triggerType), attempt, retryOf, retriedBy,
                utc(nextRetryAt), utc(queuedAt), utc(startedAt), utc(finishedAt), utc(scheduledFor),
                OUTPUTS.convertToDatabaseColumn(outputs), name(errorReason), errorMessage, errorRetryable, requestedBy,
                waitingReason, definitionVersion, parameters, utc(updatedAt), rowVersion == null ? 0L : rowVersion};
    }

    private static Instant instant(ResultSet row, String column) throws SQLException {
        OffsetDateTime value = row.getObject(column, OffsetDateTime.class);
        return value == null ? null : value.toInstant();
    }

    private static OffsetDateTime utc(Instant instant) {
        return instant == null ? null : instant.atOffset(ZoneOffset.UTC);
    }

    private static String name(Enum<?> value) {
        return value == null ? null : value.name();
    }

    /** A run accepted by the API, recorded before the dispatcher has seen its trigger. */
    static TaskRun queued(UUID runId, UUID taskId, String taskName, TriggerType triggerType, int attempt,
                          long definitionVersion, String requestedBy, Instant now) {
        TaskRun run = new TaskRun();
        run.runId = runId;
        run.taskId = taskId;
        run.taskName = taskName;
        run.state = RunState.QUEUED;
        run.triggerType = triggerType;
        run.attempt = attempt;
        run.queuedAt = now;
        run.outputs = Map.of();
        run.definitionVersion = definitionVersion;
        run.requestedBy = requestedBy;
        run.updatedAt = now;
        return run;
    }

    /** A run first seen through its event (scheduled, dependency and retry runs). */
    static TaskRun from(RunStateChanged event, Instant now) {
        TaskRun run = new TaskRun();
        run.runId = event.runId();
        run.taskId = event.taskId();
        run.taskName = event.taskName();
        run.state = event.state();
        run.triggerType = event.triggerType();
        run.outputs = Map.of();
        run.copy(event, now);
        run.learnParameters(event, now);
        if (run.queuedAt == null) {
            run.queuedAt = event.occurredAt() != null ? event.occurredAt() : now;
        }
        return run;
    }

    /**
     * Applies the event when it moves the run forward ({@link RunState#canMoveTo}); answers whether it did. A
     * duplicate, a replay, or anything after a terminal state is ignored.
     */
    boolean advance(RunStateChanged event, Instant now) {
        if (!state.canMoveTo(event.state())) {
            return false;
        }
        state = event.state();
        copy(event, now);
        return true;
    }

    /**
     * Keeps the effective parameters the event carries when none are known yet; answers whether it did. Only the
     * events that create a run carry them, and for a Run Once row written on acceptance the creating QUEUED event
     * does not move the state, so this is applied apart from {@link #advance}.
     */
    boolean learnParameters(RunStateChanged event, Instant now) {
        if (parameters != null || event.parameters().isEmpty()) {
            return false;
        }
        parameters = Json.encode(event.parameters());
        updatedAt = now;
        return true;
    }

    /** The scheduler will retry this run as {@code retryRunId} at {@code dueAt}. */
    void retryScheduled(UUID retryRunId, Instant dueAt, Instant now) {
        retriedBy = retryRunId;
        nextRetryAt = dueAt;
        updatedAt = now;
    }

    /**
     * The retry of this run appeared before (or without) the scheduler's announcement; answers whether that was
     * news.
     */
    boolean retriedBy(UUID retryRunId, Instant now) {
        if (retriedBy != null) {
            return false;
        }
        retriedBy = retryRunId;
        updatedAt = now;
        return true;
    }

    /**
     * The dispatcher gave a new reason why this run is not admitted yet; answers whether it is news. Only a QUEUED
     * run waits: once it leaves QUEUED, its reason is cleared and later waiting events change nothing.
     */
    boolean waitingFor(String reason, Instant now) {
        if (state != RunState.QUEUED || reason == null || reason.equals(waitingReason)) {
            return false;
        }
        waitingReason = reason;
        updatedAt = now;
        return true;
    }

    /** Timestamps and details only ever fill in: an event that lacks one does not erase what is known. */
    private void copy(RunStateChanged e, Instant now) {
        if (e.taskName() != null) {
            taskName = e.taskName();
        }
        if (e.triggerType() != null) {
            triggerType = e.triggerType();
        }
        if (e.attempt() > 0) {
            attempt = e.attempt();
        }
        retryOf = e.retryOf() != null ? e.retryOf() : retryOf;
        queuedAt = e.queuedAt() != null ? e.queuedAt() : queuedAt;
        startedAt = e.startedAt() != null ? e.startedAt() : startedAt;
        finishedAt = e.finishedAt() != null ? e.finishedAt() : finishedAt;
        scheduledFor = e.scheduledFor() != null ? e.scheduledFor() : scheduledFor;
        if (!e.outputs().isEmpty()) {
            outputs = Map.copyOf(e.outputs());
        }
        RunError error = e.error();
        if (error != null) {
            errorReason = error.reason();
            errorMessage = error.message();
            errorRetryable = error.retryable();
        }
        requestedBy = e.requestedBy() != null ? e.requestedBy() : requestedBy;
        if (e.definitionVersion() > 0) {
            definitionVersion = e.definitionVersion();
        }
        if (state != RunState.QUEUED) {
            waitingReason = null;
        }
        updatedAt = now;
    }

    public UUID runId() {
        return runId;
    }

    public UUID taskId() {
        return taskId;
    }

    public String taskName() {
        return taskName;
    }

    public RunState state() {
        return state;
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

    public UUID retriedBy() {
        return retriedBy;
    }

    public Instant nextRetryAt() {
        return nextRetryAt;
    }

    public Instant queuedAt() {
        return queuedAt;
    }

    public Instant startedAt() {
        return startedAt;
    }

    public Instant finishedAt() {
        return finishedAt;
    }

    public Instant scheduledFor() {
        return scheduledFor;
    }

    public Map<String, Object> outputs() {
        return outputs;
    }

    public RunError error() {
        return errorReason == null && errorMessage == null ? null
                : new RunError(errorReason, errorMessage, Boolean.TRUE.equals(errorRetryable));
    }

    public String requestedBy() {
        return requestedBy;
    }

    public String waitingReason() {
        return waitingReason;
    }

    public long definitionVersion() {
        return definitionVersion;
    }

    /** The effective parameters, vault references unresolved; null when no event carried them. */
    public Map<String, Object> parameters() {
        return parameters == null ? null : Json.mapper().readValue(parameters, PARAMETERS);
    }
}
