package io.polysync.task.vault;

import io.polysync.task.validation.Errors;

import java.nio.charset.StandardCharsets;
import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;

/** Checks a vault request completely before anything is written. */
public final class VaultValidator {

    /** Environment variable names as POSIX shells accept them. */
    static final Pattern ENV_PREFIX = Pattern.compile("[A-Za-z_][A-Za-z0-9_]{0,127}");
    static final int MAX_SECRET_BYTES = 64 * 1024;

    /** A vault request that passed validation. */
    public record ValidVault(String name, VaultKind kind, Map<String, Object> config) {
    }

    private VaultValidator() {
    }

    /** @throws io.polysync.task.validation.InvalidRequestException naming every bad field */
    public static ValidVault validate(VaultRequest request) {
        Errors errors = new Errors();
        errors.requireName("name", request.name());
        VaultKind kind = null;
        if (request.kind() == null || request.kind().isEmpty()) {
            errors.add("kind", "is required");
        } else {
            kind = VaultKind.fromWire(request.kind()).orElse(null);
            if (kind == null) {
                errors.add("kind", "must be one of " + VaultKind.wireNames());
            }
        }
        Map<String, Object> config = request.config() == null ? Map.of() : new LinkedHashMap<>(request.config());
        if (kind != null) {
            switch (kind) {
                case BUILTIN -> onlyKeys(config, Set.of(), kind, errors);
                case ENV -> {
                    onlyKeys(config, Set.of("prefix"), kind, errors);
                    Object prefix = config.get("prefix");
                    if (prefix == null) {
                        errors.add("config.prefix", "is required: secret x is read from the environment variable "
                                + "<prefix>x");
                    } else if (!(prefix instanceof String p) || !ENV_PREFIX.matcher(p).matches()) {
                        errors.add("config.prefix", "must be 1-128 characters: letters, digits or '_', not starting "
                                + "with a digit");
                    }
                }
                case FILE -> {
                    onlyKeys(config, Set.of("directory"), kind, errors);
                    Object directory = config.get("directory");
                    if (directory == null) {
                        errors.add("config.directory", "is required: secret x is read from the file <directory>/x");
                    } else if (!(directory instanceof String d) || !isAbsolute(d)) {
                        errors.add("config.directory", "must be an absolute path");
                    } else {
                        config.put("directory", Path.of(d).normalize().toString());
                    }
                }
                default -> throw new IllegalStateException(kind.name());
            }
        }
        errors.throwIfAny();
        return new ValidVault(request.name(), kind, config);
    }

    /** @throws io.polysync.task.validation.InvalidRequestException when the name or value is unusable */
    static void validateSecret(String name, SecretRequest request) {
        Errors errors = new Errors();
        if (!VaultReferences.SECRET_NAME.matcher(name).matches()) {
            errors.add("name", VaultReferences.SECRET_NAME_RULE);
        }
        if (request == null || request.value() == null) {
            errors.add("value", "is required (a string)");
        } else if (request.value().length() * 3L > MAX_SECRET_BYTES
                && request.value().getBytes(StandardCharsets.UTF_8).length > MAX_SECRET_BYTES) {
            errors.add("value", "must be at most " + MAX_SECRET_BYTES + " bytes");
        }
        errors.throwIfAny();
    }

    private static void onlyKeys(Map<String, Object> config, Set<String> allowed, VaultKind kind, Errors errors) {
        for (String key : config.keySet()) {
            if (!allowed.contains(key)) {
                errors.add("config." + key, "is not a setting of a " + kind.wire() + " vault"
                        + (allowed.isEmpty() ? " (it has none)" : "; it has " + allowed));
            }
        }
    }

    private static boolean isAbsolute(String path) {
        try {
            return !path.isEmpty() && path.indexOf('\0') < 0 && Path.of(path).isAbsolute();
        } catch (InvalidPathException e) {
            return false;
        }
    }
}
