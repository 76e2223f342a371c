package io.polysync.task.ui;

import io.polysync.task.api.ConflictException;
import io.polysync.task.api.InUseException;
import io.polysync.task.api.NotFoundException;
import io.polysync.task.validation.FieldError;
import io.polysync.task.validation.InvalidRequestException;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * The field errors of a failed save, as the page shows them next to their fields: field path ({@code name},
 * {@code parameters.x}, {@code retry.maxRetryAttempts}) → message. Every UI page has one in its model as {@code errors}
 * (empty unless a controller put the errors of a failed save there), so templates can always write
 * {@code th:classappend="${errors.has('name')} ? 'is-invalid'"} and {@code th:text="${errors.get('name')}"}.
 * Messages are plain text built by the services; Thymeleaf escapes them.
 */
public final class UiErrors {

    private final Map<String, String> byField = new LinkedHashMap<>();

    public static UiErrors none() {
        return new UiErrors();
    }

    /**
     * The errors a domain service reported through one of its exceptions ({@link InvalidRequestException},
     * {@link ConflictException}, {@link NotFoundException}, {@link InUseException} under {@code name}); empty for any
     * other exception, which callers rethrow.
     */
    public static Optional<UiErrors> of(RuntimeException e) {
        UiErrors errors = new UiErrors();
        if (e instanceof InvalidRequestException invalid) {
            invalid.errors().forEach(error -> errors.add(error.field(), error.message()));
        } else if (e instanceof ConflictException conflict) {
            errors.add(conflict.field(), conflict.getMessage());
        } else if (e instanceof NotFoundException notFound) {
            errors.add(notFound.field(), notFound.getMessage());
        } else if (e instanceof InUseException inUse) {
            errors.add("name", inUse.getMessage());
        } else {
            return Optional.empty();
        }
        return Optional.of(errors);
    }

    /** Adds a message to {@code field}; a second message for the same field is appended. */
    public UiErrors add(String field, String message) {
        String key = field == null || field.isEmpty() ? "" : field;
        byField.merge(key, message, (a, b) -> a + "; " + b);
        return this;
    }

    public UiErrors addAll(List<FieldError> errors) {
        errors.forEach(e -> add(e.field(), e.message()));
        return this;
    }

    /** Whether {@code field} itself has an error. */
    public boolean has(String field) {
        return byField.containsKey(field);
    }

    /** Whether {@code prefix} or any field under it ({@code prefix.x}, {@code prefix[0]...}) has an error. */
    public boolean hasUnder(String prefix) {
        return byField.keySet().stream().anyMatch(f -> f.equals(prefix) || f.startsWith(prefix + ".")
                || f.startsWith(prefix + "["));
    }

    /** The message of {@code field}, or null. */
    public String get(String field) {
        return byField.get(field);
    }

    public boolean isEmpty() {
        return byField.isEmpty();
    }

    public boolean any() {
        return !byField.isEmpty();
    }

    /** Every field → message, in the order reported. */
    public Map<String, String> all() {
        return Collections.unmodifiableMap(byField);
    }

    /**
     * The messages of fields the page has no place for ({@code shown} are the fields it renders next to an input),
     * as "field message" lines for a summary above the form, so no error is ever silently dropped.
     */
    public List<String> except(Set<String> shown) {
        return byField.entrySet().stream().filter(e -> !shown.contains(e.getKey()))
                .map(e -> e.getKey().isEmpty() ? e.getValue() : e.getKey() + " " + e.getValue()).toList();
    }

    @Override
    public String toString() {
        return "UiErrors" + byField.keySet();
    }
}
