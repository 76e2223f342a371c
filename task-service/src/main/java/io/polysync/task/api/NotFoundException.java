package io.polysync.task.api;

/** The named resource does not exist. Answered as 404, naming the path variable that was looked up. */
public class NotFoundException extends RuntimeException {

    private final String field;

    public NotFoundException(String field, String message) {
        super(message);
        this.field = field;
    }

    public String field() {
        return field;
    }
}
