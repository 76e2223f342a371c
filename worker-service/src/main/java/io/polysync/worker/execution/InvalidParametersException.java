package io.polysync.worker.execution;

/** The run's parameters or platform config cannot be executed as given; retrying the same values cannot help. */
public class InvalidParametersException extends RuntimeException {

    public InvalidParametersException(String message) {
        super(message);
    }
}
