package io.polysync.model.event;

import com.fasterxml.jackson.annotation.JsonSubTypes;
import com.fasterxml.jackson.annotation.JsonTypeInfo;

import java.time.Instant;
import java.util.UUID;

/** A record on the public {@code polysync.run-events} stream, keyed by taskId. */
@JsonTypeInfo(use = JsonTypeInfo.Id.NAME, property = "type")
@JsonSubTypes({
        @JsonSubTypes.Type(value = RunStateChanged.class, name = "RunStateChanged"),
        @JsonSubTypes.Type(value = RetryScheduled.class, name = "RetryScheduled"),
        @JsonSubTypes.Type(value = RunWaiting.class, name = "RunWaiting")
})
public sealed interface RunEvent permits RunStateChanged, RetryScheduled, RunWaiting {

    UUID runId();

    UUID taskId();

    Instant occurredAt();
}
