package io.polysync.task.run;

import io.polysync.task.validation.FieldError;

import java.util.List;

/** A run request that was not accepted; nothing was written. Each entry point answers it in its own way. */
public class TriggerRejectedException extends RuntimeException {

    /** Why, as the external-trigger metric and dead-letter records name it. */
    public enum Reason {
        UNKNOWN_TASK,
        INVALID_IDEMPOTENCY_KEY,
        INVALID_PARAMETERS
    }

    private final Reason reason;
    private final transient List<FieldError> errors;

    TriggerRejectedException(Reason reason, List<FieldError> errors) {
        super(reason + ": " + errors.stream().map(e -> e.field() + " " + e.message()).toList());
        this.reason = reason;
        this.errors = List.copyOf(errors);
    }

    public Reason reason() {
        return reason;
    }

    /** Every problem found, each named by its request field ({@code idempotencyKey}, {@code parameters.path}). */
    public List<FieldError> errors() {
        return errors;
    }
}
