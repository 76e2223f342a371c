package io.polysync.worker.execution;

import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Typed reads of a JSON object (parameters or platform config). A value of the wrong type is an
 * {@link InvalidParametersException} naming it, so a bad job fails as {@code INVALID_PARAMETERS}, not as a crash.
 */
public final class JobValues {

    private final String kind;
    private final Map<String, Object> values;

    public JobValues(String kind, Map<String, Object> values) {
        this.kind = kind;
        this.values = values == null ? Map.of() : values;
    }

    public Optional<Object> raw(String name) {
        return Optional.ofNullable(values.get(name));
    }

    public Optional<String> string(String name) {
        Object value = values.get(name);
        if (value == null) {
            return Optional.empty();
        }
        if (value instanceof String text) {
            return Optional.of(text);
        }
        throw invalid(name, "a string");
    }

    public String requiredString(String name) {
        return string(name).filter(text -> !text.isBlank())
                .orElseThrow(() -> new InvalidParametersException(kind + " '" + name + "' is required"));
    }

    public boolean bool(String name, boolean defaultValue) {
        Object value = values.get(name);
        if (value == null) {
            return defaultValue;
        }
        if (value instanceof Boolean flag) {
            return flag;
        }
        throw invalid(name, "a boolean");
    }

    /** An integral number; a string is not accepted, a fraction neither. */
    public Optional<Long> integer(String name) {
        Object value = values.get(name);
        if (value == null) {
            return Optional.empty();
        }
        if (value instanceof Integer || value instanceof Long || value instanceof Short || value instanceof Byte) {
            return Optional.of(((Number) value).longValue());
        }
        if (value instanceof java.math.BigInteger big && big.bitLength() < 64) {
            return Optional.of(big.longValue());
        }
        throw invalid(name, "an integer");
    }

    public Optional<Map<String, Object>> object(String name) {
        Object value = values.get(name);
        if (value == null) {
            return Optional.empty();
        }
        if (value instanceof Map<?, ?> map) {
            Map<String, Object> copy = new LinkedHashMap<>();
            map.forEach((key, entry) -> copy.put(String.valueOf(key), entry));
            return Optional.of(Collections.unmodifiableMap(copy));
        }
        throw invalid(name, "an object");
    }

    /** An object whose values are strings (numbers and booleans are taken as their JSON text). */
    public Map<String, String> stringMap(String name) {
        Map<String, String> result = new LinkedHashMap<>();
        object(name).orElse(Map.of()).forEach((key, value) -> {
            if (value instanceof String || value instanceof Number || value instanceof Boolean) {
                result.put(key, value.toString());
            } else if (value != null) {
                throw new InvalidParametersException(kind + " '" + name + "." + key + "' must be a string");
            }
        });
        return result;
    }

    public Optional<List<String>> stringList(String name) {
        Object value = values.get(name);
        if (value == null) {
            return Optional.empty();
        }
        if (!(value instanceof List<?> list)) {
            throw invalid(name, "an array of strings");
        }
        List<String> result = new ArrayList<>(list.size());
        for (Object item : list) {
            if (!(item instanceof String text)) {
                throw invalid(name, "an array of strings");
            }
            result.add(text);
        }
        return Optional.of(List.copyOf(result));
    }

    private InvalidParametersException invalid(String name, String expected) {
        return new InvalidParametersException(kind + " '" + name + "' must be " + expected);
    }
}
