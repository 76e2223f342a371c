package io.polysync.worker.execution;

/** A report was not acknowledged in time; the run must not be acknowledged either, so it is delivered again. */
public class ReportNotDeliveredException extends RuntimeException {

    public ReportNotDeliveredException(String message, Throwable cause) {
        super(message, cause);
    }
}
