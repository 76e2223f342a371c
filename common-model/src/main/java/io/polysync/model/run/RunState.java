package io.polysync.model.run;

/** The states of a TaskRun. Terminal states are absorbing. */
public enum RunState {
    QUEUED,
    RUNNING,
    SUCCEEDED,
    FAILED,
    CANCELLED;

    public boolean isTerminal() {
        return this == SUCCEEDED || this == FAILED || this == CANCELLED;
    }

    /** Whether a run in this state may move to {@code next}: forwards only, never out of a terminal state. */
    public boolean canMoveTo(RunState next) {
        return switch (this) {
            case QUEUED -> next == RUNNING || next.isTerminal();
            case RUNNING -> next.isTerminal();
            case SUCCEEDED, FAILED, CANCELLED -> false;
        };
    }
}
