package io.polysync.model.run;

/** The error of a failed run, as the API shows it. */
public record RunError(FailureReason reason, String message, boolean retryable) {

    public static RunError retryable(FailureReason reason, String message) {
        return new RunError(reason, message, true);
    }

    public static RunError nonRetryable(String message) {
        return new RunError(FailureReason.NON_RETRYABLE, message, false);
    }
}
