package io.polysync.worker.vault;

import io.polysync.model.run.RunError;
import io.polysync.worker.execution.JobResult;

import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Hides the secret values a run resolved: every occurrence, also inside longer strings and at any depth of a JSON
 * value, becomes {@value #MASK}. Longer secrets are replaced first, so a secret containing another is hidden whole.
 * Immutable and thread-safe.
 */
public final class SecretMask {

    public static final String MASK = "****";
    private static final SecretMask NONE = new SecretMask(List.of());

    private final List<String> secrets;

    private SecretMask(List<String> secrets) {
        this.secrets = secrets;
    }

    /** A mask of these values; empty values are ignored, since they cannot leak anything. */
    public static SecretMask of(Collection<String> values) {
        List<String> secrets = new ArrayList<>();
        for (String value : values) {
            if (value != null && !value.isEmpty() && !secrets.contains(value)) {
                secrets.add(value);
            }
        }
        if (secrets.isEmpty()) {
            return NONE;
        }
        secrets.sort(Comparator.comparingInt(String::length).reversed());
        return new SecretMask(List.copyOf(secrets));
    }

    public static SecretMask none() {
        return NONE;
    }

    public boolean isEmpty() {
        return secrets.isEmpty();
    }

    public String mask(String text) {
        if (text == null || secrets.isEmpty()) {
            return text;
        }
        String masked = text;
        for (String secret : secrets) {
            masked = masked.replace(secret, MASK);
        }
        return masked;
    }

    /** A copy of a JSON value with every string (map keys included) masked; other scalars stay as they are. */
    public Object maskValue(Object value) {
        if (secrets.isEmpty()) {
            return value;
        }
        if (value instanceof String text) {
            return mask(text);
        }
        if (value instanceof Map<?, ?> map) {
            Map<String, Object> copy = new LinkedHashMap<>();
            map.forEach((key, entry) -> copy.put(mask(String.valueOf(key)), maskValue(entry)));
            return copy;
        }
        if (value instanceof Collection<?> list) {
            List<Object> copy = new ArrayList<>(list.size());
            list.forEach(item -> copy.add(maskValue(item)));
            return copy;
        }
        if (value instanceof Number || value instanceof Boolean || value == null) {
            return value;
        }
        // anything else is reported through its text, so that text is what has to be masked
        return mask(value.toString());
    }

    public JobResult mask(JobResult result) {
        if (secrets.isEmpty() || result == null) {
            return result;
        }
        if (result instanceof JobResult.Success success) {
            @SuppressWarnings("unchecked")
            Map<String, Object> outputs = (Map<String, Object>) maskValue(success.outputs());
            return JobResult.success(outputs);
        }
        RunError error = ((JobResult.Failure) result).error();
        return JobResult.failure(new RunError(error.reason(), mask(error.message()), error.retryable()));
    }
}
