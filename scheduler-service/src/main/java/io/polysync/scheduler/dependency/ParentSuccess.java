package io.polysync.scheduler.dependency;

import java.time.Instant;
import java.util.Map;
import java.util.Objects;
import java.util.UUID;

/** A SUCCEEDED run of a parent task, with the outputs its dependents may map into their inputs. */
public record ParentSuccess(UUID runId, Map<String, Object> outputs, Instant finishedAt) {

    public ParentSuccess {
        Objects.requireNonNull(runId, "runId");
        Objects.requireNonNull(finishedAt, "finishedAt");
        outputs = outputs == null ? Map.of() : outputs;
    }
}
