package io.polysync.task.api;

import io.polysync.task.validation.FieldError;
import tools.jackson.core.JacksonException;
import tools.jackson.core.TokenStreamLocation;
import tools.jackson.core.exc.StreamReadException;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.exc.MismatchedInputException;
import tools.jackson.databind.exc.UnrecognizedPropertyException;

import java.math.BigDecimal;
import java.math.BigInteger;
import java.util.Arrays;
import java.util.Collection;
import java.util.Map;
import java.util.UUID;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Translates why Jackson could not read a request body into a field error naming the JSON path. Messages are
 * written here rather than passed through: Jackson's own name Java classes and repeat the input.
 */
final class JacksonErrors {

    static final String BODY = "body";
    private static final Pattern DUPLICATE = Pattern.compile("^Duplicate .*?\"(.*)\"");

    private JacksonErrors() {
    }

    static FieldError describe(Throwable failure) {
        JacksonException jackson = find(failure);
        if (jackson == null) {
            return new FieldError(BODY, "a JSON body is required");
        }
        String path = path(jackson);
        if (jackson instanceof UnrecognizedPropertyException) {
            return new FieldError(path, "is not a known field");
        }
        if (jackson instanceof MismatchedInputException mismatch) {
            if (mismatch.getOriginalMessage() != null && mismatch.getOriginalMessage().startsWith("No content")) {
                return new FieldError(BODY, "a JSON body is required");
            }
            return new FieldError(path.isEmpty() ? BODY : path, expected(mismatch.getTargetType()));
        }
        if (jackson instanceof StreamReadException && jackson.getOriginalMessage() != null) {
            Matcher duplicate = DUPLICATE.matcher(jackson.getOriginalMessage());
            if (duplicate.find()) {
                return new FieldError(path.isEmpty() ? duplicate.group(1) : path + "." + duplicate.group(1),
                        "is given twice");
            }
        }
        if (jackson instanceof StreamReadException) {
            return new FieldError(path.isEmpty() ? BODY : path, "is not valid JSON" + where(jackson.getLocation()));
        }
        return new FieldError(path.isEmpty() ? BODY : path, "could not be read");
    }

    private static JacksonException find(Throwable failure) {
        for (Throwable t = failure; t != null; t = t.getCause()) {
            if (t instanceof JacksonException j) {
                return j;
            }
            if (t.getCause() == t) {
                break;
            }
        }
        return null;
    }

    /** {@code retry.backoff}, {@code dependencies[0].mappings[1].output}; empty for the document itself. */
    static String path(JacksonException e) {
        StringBuilder path = new StringBuilder();
        for (JacksonException.Reference ref : e.getPath()) {
            if (ref.getPropertyName() != null) {
                if (!path.isEmpty()) {
                    path.append('.');
                }
                path.append(ref.getPropertyName());
            } else if (ref.getIndex() >= 0) {
                path.append('[').append(ref.getIndex()).append(']');
            }
        }
        return path.toString();
    }

    private static String where(TokenStreamLocation location) {
        if (location == null || location.getLineNr() < 1) {
            return "";
        }
        return " (line " + location.getLineNr() + ", column " + location.getColumnNr() + ")";
    }

    private static String expected(Class<?> type) {
        if (type == null) {
            return "has the wrong type";
        }
        if (type.isEnum()) {
            return "must be one of " + Arrays.toString(type.getEnumConstants());
        }
        if (type == Integer.class || type == int.class || type == Long.class || type == long.class
                || type == Short.class || type == short.class || type == BigInteger.class) {
            return "must be an integer";
        }
        if (type == Double.class || type == double.class || type == Float.class || type == float.class
                || type == BigDecimal.class) {
            return "must be a number";
        }
        if (type == Boolean.class || type == boolean.class) {
            return "must be true or false";
        }
        if (type == String.class) {
            return "must be a string";
        }
        if (type == UUID.class) {
            return "must be a UUID";
        }
        if (Collection.class.isAssignableFrom(type) || type.isArray()) {
            return "must be an array";
        }
        if (Map.class.isAssignableFrom(type) || type.isRecord() || JsonNode.class.isAssignableFrom(type)) {
            return "must be a JSON object";
        }
        return "has the wrong type";
    }
}
