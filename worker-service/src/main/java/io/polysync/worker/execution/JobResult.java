package io.polysync.worker.execution;

import io.polysync.model.run.FailureReason;
import io.polysync.model.run.RunError;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;

/** The outcome of one attempt: outputs on success, the error on failure. */
public sealed interface JobResult permits JobResult.Success, JobResult.Failure {

    static JobResult success(Map<String, Object> outputs) {
        return new Success(outputs);
    }

    static JobResult failure(RunError error) {
        return new Failure(error);
    }

    /** A failure that a retry may cure (a 5xx, a non-zero exit). */
    static JobResult retryableFailure(String message) {
        return new Failure(RunError.retryable(FailureReason.EXECUTION_FAILED, message));
    }

    /** A failure that would happen again (a 4xx, a refused host). */
    static JobResult nonRetryableFailure(String message) {
        return new Failure(RunError.nonRetryable(message));
    }

    record Success(Map<String, Object> outputs) implements JobResult {

        public Success {
            // LinkedHashMap rather than Map.copyOf: outputs may legitimately hold null JSON values
            outputs = outputs == null ? Map.of() : Collections.unmodifiableMap(new LinkedHashMap<>(outputs));
        }
    }

    record Failure(RunError error) implements JobResult {

        public Failure {
            Objects.requireNonNull(error, "error");
        }
    }
}
