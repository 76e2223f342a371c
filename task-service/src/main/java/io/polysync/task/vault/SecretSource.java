package io.polysync.task.vault;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.Optional;
import java.util.Set;
import java.util.function.UnaryOperator;

/**
 * Reads the value of a secret of an env or file vault. Builtin values come from {@link VaultService}, which holds
 * the cipher.
 */
final class SecretSource {

    /**
     * The task-service's own credentials: an env vault whose prefix happens to fit must not hand them to a job.
     */
    static final Set<String> RESERVED_VARIABLES = Set.of(SecretCipher.MASTER_KEY_VARIABLE, "POLYSYNC_INTERNAL_TOKEN",
            "POLYSYNC_ADMIN_TOKEN", "POLYSYNC_ADMIN_PASSWORD");

    private final UnaryOperator<String> environment;

    SecretSource(UnaryOperator<String> environment) {
        this.environment = environment;
    }

    /** The value of secret {@code name} (already checked against {@link VaultReferences#SECRET_NAME}). */
    Optional<String> read(Vault vault, String name) {
        return switch (vault.kind()) {
            case ENV -> fromEnvironment((String) vault.config().get("prefix") + name);
            case FILE -> fromFile(vault, name);
            case BUILTIN -> throw new IllegalArgumentException("builtin values are decrypted by VaultService");
        };
    }

    private Optional<String> fromEnvironment(String variable) {
        if (RESERVED_VARIABLES.contains(variable)) {
            return Optional.empty();
        }
        return Optional.ofNullable(environment.apply(variable));
    }

    /**
     * One trailing line break is dropped: {@code echo secret > file} writes one, and a header value with it breaks
     * the request.
     */
    private static Optional<String> fromFile(Vault vault, String name) {
        Path directory = Path.of((String) vault.config().get("directory"));
        Path file = directory.resolve(name).normalize();
        if (!file.getParent().equals(directory.normalize()) || !Files.isRegularFile(file)) {
            return Optional.empty();
        }
        try {
            String text = Files.readString(file, StandardCharsets.UTF_8);
            if (text.endsWith("\r\n")) {
                return Optional.of(text.substring(0, text.length() - 2));
            }
            return Optional.of(text.endsWith("\n") ? text.substring(0, text.length() - 1) : text);
        } catch (NoSuchFileException e) {
            return Optional.empty();
        } catch (IOException e) {
            throw SecretUnavailableException.unreadable(vault.name(), name);
        }
    }
}
