package io.polysync.task.validation;


import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;

/** Collects every problem of one request, so a client learns all of them in one answer. */
public final class Errors {

    /** Names of platforms, jobs, tasks and contention profiles; they appear in URLs and never change. */
    public static final Pattern NAME = Pattern.compile("[a-z0-9][a-z0-9._-]{0,62}");
    public static final String NAME_RULE =
            "must be 1-63 characters: lower-case letters, digits, '.', '_' or '-', starting with a letter or digit";

    /** Names of job outputs and inputs, which executors and JSON Schemas spell in camelCase. */
    public static final Pattern IDENTIFIER = Pattern.compile("[A-Za-z_][A-Za-z0-9_.-]{0,63}");
    public static final String IDENTIFIER_RULE =
            "must be 1-64 characters: letters, digits, '_', '.' or '-', starting with a letter or '_'";

    private final List<FieldError> list = new ArrayList<>();

    public void add(String field, String message) {
        list.add(new FieldError(field, message));
    }

    public boolean isEmpty() {
        return list.isEmpty();
    }

    public List<FieldError> list() {
        return List.copyOf(list);
    }

    public void throwIfAny() {
        if (!list.isEmpty()) {
            throw new InvalidRequestException(list);
        }
    }

    /** A required name: present and of the {@link #NAME} form. Reports and answers false when it is not. */
    public boolean requireName(String field, String value) {
        if (value == null || value.isEmpty()) {
            add(field, "is required");
            return false;
        }
        if (!NAME.matcher(value).matches()) {
            add(field, NAME_RULE);
            return false;
        }
        return true;
    }

    public boolean requireIdentifier(String field, String value) {
        if (value == null || value.isEmpty()) {
            add(field, "is required");
            return false;
        }
        if (!IDENTIFIER.matcher(value).matches()) {
            add(field, IDENTIFIER_RULE);
            return false;
        }
        return true;
    }
}
