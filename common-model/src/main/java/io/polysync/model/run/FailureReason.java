package io.polysync.model.run;

/** Why a run ended FAILED (DESIGN.md section 10 rule 4). */
public enum FailureReason {
    EXECUTION_FAILED,
    TIMED_OUT,
    LOST,
    INVALID_PARAMETERS,
    WORKER_SHUTDOWN,
    NON_RETRYABLE
}
