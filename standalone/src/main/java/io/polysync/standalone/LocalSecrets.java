package io.polysync.standalone;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.core.env.Environment;

import java.io.File;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFileAttributeView;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.SecureRandom;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import java.util.UUID;

/**
 * The master key of builtin vaults and the workers' internal token in standalone mode (DESIGN.md section 10 rule
 * 16). Each comes from its environment variable (or property) when set; otherwise it is generated once into the data
 * directory, readable by its owner only, and reused on every later start. Values are handed to the services as
 * properties and never logged.
 */
final class LocalSecrets {

    static final String MASTER_KEY_VARIABLE = "POLYSYNC_MASTER_KEY";
    static final String INTERNAL_TOKEN_VARIABLE = "POLYSYNC_INTERNAL_TOKEN";
    static final String MASTER_KEY_PROPERTY = "polysync.task.vault.master-key";
    static final String INTERNAL_TOKEN_PROPERTY = "polysync.task.vault.internal-token";
    static final String WORKER_TOKEN_PROPERTY = "polysync.worker.internal-token";
    static final String MASTER_KEY_FILE = "master.key";
    static final String INTERNAL_TOKEN_FILE = "internal.token";

    private static final Logger log = LoggerFactory.getLogger(LocalSecrets.class);
    private static final Set<PosixFilePermission> OWNER_ONLY = PosixFilePermissions.fromString("rw-------");
    private static final SecureRandom RANDOM = new SecureRandom();

    private final Map<String, String> taskService = new LinkedHashMap<>();
    private final Map<String, String> worker = new LinkedHashMap<>();

    private LocalSecrets() {
    }

    /** Reads or creates the files as needed; {@code environment} is the parent's (variables, -D and --args). */
    static LocalSecrets resolve(Environment environment, Path dataDir) {
        LocalSecrets secrets = new LocalSecrets();
        if (!given(environment, MASTER_KEY_VARIABLE) && !given(environment, MASTER_KEY_PROPERTY)) {
            Path file = dataDir.toAbsolutePath().resolve(MASTER_KEY_FILE);
            secrets.taskService.put(MASTER_KEY_PROPERTY, readOrCreate(file));
            log.warn("WARNING: {} is not set, so builtin vault secrets are encrypted with the key in {} (owner-only)."
                    + " Back that file up with the database: without it those secrets cannot be read. Set {} to"
                    + " use a key of your own.", MASTER_KEY_VARIABLE, file, MASTER_KEY_VARIABLE);
        }
        String token = environment.getProperty(INTERNAL_TOKEN_PROPERTY,
                environment.getProperty(INTERNAL_TOKEN_VARIABLE, ""));
        if (token.isBlank()) {
            token = readOrCreate(dataDir.toAbsolutePath().resolve(INTERNAL_TOKEN_FILE));
            secrets.taskService.put(INTERNAL_TOKEN_PROPERTY, token);
        }
        if (!given(environment, WORKER_TOKEN_PROPERTY)) {
            secrets.worker.put(WORKER_TOKEN_PROPERTY, token);
        }
        return secrets;
    }

    /** Properties for the task-service child. */
    Map<String, String> taskService() {
        return Map.copyOf(taskService);
    }

    /** Properties for the worker child. */
    Map<String, String> worker() {
        return Map.copyOf(worker);
    }

    private static boolean given(Environment environment, String key) {
        String value = environment.getProperty(key);
        return value != null && !value.isBlank();
    }

    /**
     * The file's value, or 32 fresh random bytes in base64 written to it first. Written to a private temporary file
     * and moved into place, so a crash never leaves a half-written key, and a concurrent first start keeps whichever
     * file arrived first.
     */
    static String readOrCreate(Path file) {
        try {
            if (Files.exists(file)) {
                restrict(file);
                return Files.readString(file, StandardCharsets.US_ASCII).trim();
            }
            Files.createDirectories(file.getParent());
            byte[] random = new byte[32];
            RANDOM.nextBytes(random);
            String value = Base64.getEncoder().encodeToString(random);
            Path temporary = file.resolveSibling(file.getFileName() + "." + UUID.randomUUID() + ".tmp");
            try {
                if (posix(file.getParent())) {
                    Files.createFile(temporary, PosixFilePermissions.asFileAttribute(OWNER_ONLY));
                } else {
                    Files.createFile(temporary);
                    ownerOnlyWithoutPosix(temporary);
                }
                Files.writeString(temporary, value + "\n", StandardCharsets.US_ASCII);
                Files.move(temporary, file);
                return value;
            } catch (FileAlreadyExistsException concurrentStart) {
                return Files.readString(file, StandardCharsets.US_ASCII).trim();
            } finally {
                Files.deleteIfExists(temporary);
            }
        } catch (IOException e) {
            throw new UncheckedIOException("could not read or create " + file, e);
        }
    }

    /** A file someone made readable to others is tightened, with a warning, rather than trusted as it is. */
    private static void restrict(Path file) throws IOException {
        if (posix(file) && !Files.getPosixFilePermissions(file).equals(OWNER_ONLY)) {
            log.warn("WARNING: {} was readable by others; restricting it to its owner", file);
            Files.setPosixFilePermissions(file, OWNER_ONLY);
        }
    }

    private static boolean posix(Path path) {
        return Files.getFileAttributeView(path, PosixFileAttributeView.class) != null;
    }

    private static void ownerOnlyWithoutPosix(Path file) {
        File f = file.toFile();
        boolean restricted = f.setReadable(false, false) && f.setReadable(true, true)
                && f.setWritable(false, false) && f.setWritable(true, true);
        if (!restricted) {
            log.warn("WARNING: could not restrict {} to its owner on this file system", file);
        }
    }
}
