package io.polysync.task.external;

/**
 * An external trigger that no retry could ever accept. It is an {@link IllegalArgumentException}, so the shared
 * error handler sends the record to {@code polysync.external-triggers.dlq} at once, with this message (reason first)
 * in its headers, and the partition moves on.
 */
public class ExternalTriggerRejectedException extends IllegalArgumentException {

    private final ExternalTriggers.Rejection reason;

    ExternalTriggerRejectedException(ExternalTriggers.Rejection reason, String detail, Throwable cause) {
        super(reason.tag() + ": " + detail, cause);
        this.reason = reason;
    }

    public ExternalTriggers.Rejection reason() {
        return reason;
    }
}
