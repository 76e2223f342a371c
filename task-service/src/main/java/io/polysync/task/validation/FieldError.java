package io.polysync.task.validation;

/**
 * One bad input, named by its JSON path ({@code retry.maxRetryAttempts}, {@code dependencies[0].task}) or by the
 * request parameter it came from. Messages are plain text built in code: user input is never interpreted.
 */
public record FieldError(String field, String message) {
}
