package io.polysync.model.event;

import com.fasterxml.jackson.annotation.JsonSubTypes;
import com.fasterxml.jackson.annotation.JsonTypeInfo;

import java.time.Instant;
import java.util.UUID;

/**
 * Something a worker says happened to one run. Keyed by taskId on {@code polysync.worker-reports} so one task's
 * reports stay in order and reach the dispatcher instance that owns its runs.
 */
@JsonTypeInfo(use = JsonTypeInfo.Id.NAME, property = "type")
@JsonSubTypes({
        @JsonSubTypes.Type(value = RunStarted.class, name = "RunStarted"),
        @JsonSubTypes.Type(value = RunHeartbeat.class, name = "RunHeartbeat"),
        @JsonSubTypes.Type(value = RunSucceeded.class, name = "RunSucceeded"),
        @JsonSubTypes.Type(value = RunFailed.class, name = "RunFailed"),
        @JsonSubTypes.Type(value = RunCancelled.class, name = "RunCancelled")
})
public sealed interface WorkerReport permits RunStarted, RunHeartbeat, RunSucceeded, RunFailed, RunCancelled {

    UUID runId();

    UUID taskId();

    /** The worker instance that sends the report; the first {@link RunStarted} claims the run for it. */
    String workerId();

    Instant occurredAt();
}
