package io.polysync.task.vault;

import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

/** Where a vault's secret values live. Written in lower case in the API and the database. */
public enum VaultKind {
    /** Encrypted rows in the task-service's database, written through the API. */
    BUILTIN,
    /** Environment variables of the task-service: secret {@code x} is {@code <prefix>x}. */
    ENV,
    /** Files in a mounted directory: secret {@code x} is {@code <directory>/x}. */
    FILE;

    public String wire() {
        return name().toLowerCase(Locale.ROOT);
    }

    public static Optional<VaultKind> fromWire(String text) {
        return Arrays.stream(values()).filter(k -> k.wire().equals(text)).findFirst();
    }

    public static List<String> wireNames() {
        return Arrays.stream(values()).map(VaultKind::wire).toList();
    }
}
