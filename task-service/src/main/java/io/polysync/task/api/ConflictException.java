package io.polysync.task.api;

/** The request clashes with what exists (a name already taken). Answered as 409; nothing was written. */
public class ConflictException extends RuntimeException {

    private final String field;

    public ConflictException(String field, String message) {
        super(message);
        this.field = field;
    }

    public String field() {
        return field;
    }
}
