package io.polysync.model.task;

/** How the delay before a retry grows. */
public enum Backoff {
    /** The same delay each time. */
    FIXED,
    /** Initial delay × retry number. */
    LINEAR,
    /** Initial delay × 2^(retry number − 1). */
    EXPONENTIAL
}
