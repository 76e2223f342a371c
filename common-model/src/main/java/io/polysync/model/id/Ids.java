package io.polysync.model.id;

import io.polysync.model.run.TriggerType;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Comparator;
import java.util.Objects;
import java.util.UUID;

/**
 * Derived identities (DESIGN.md section 10 rule 1). A trigger id is a name-based UUID (version 5) over the task,
 * the trigger type and a key; the run id is derived from the trigger id. Publishing the same trigger twice
 * therefore names the same run, which is what makes every duplicate a no-op downstream.
 */
public final class Ids {

    private static final UUID TRIGGER_NAMESPACE = UUID.fromString("6f0e3c1a-8d51-4d0e-9a43-70d1b6a1c2e1");
    private static final UUID RUN_NAMESPACE = UUID.fromString("0b9a5b7e-2f4c-4e55-8f3e-1c7a9d2e4b60");

    /**
     * The order PostgreSQL and H2 sort uuids in (unsigned, byte by byte; {@link UUID#compareTo} compares signed).
     * Rows locked one by one in this order and rows locked by {@code ORDER BY … FOR UPDATE} are taken in the same
     * order, so transactions that lock several rows keyed by uuid never wait on each other in a cycle.
     */
    public static final Comparator<UUID> DATABASE_ORDER = Comparator
            .comparing(UUID::getMostSignificantBits, Long::compareUnsigned)
            .thenComparing(UUID::getLeastSignificantBits, Long::compareUnsigned);

    private Ids() {
    }

    public static UUID triggerId(UUID taskId, TriggerType type, String key) {
        Objects.requireNonNull(taskId, "taskId");
        Objects.requireNonNull(type, "type");
        Objects.requireNonNull(key, "key");
        return nameBased(TRIGGER_NAMESPACE, taskId + "|" + type.name() + "|" + key);
    }

    public static UUID runId(UUID triggerId) {
        return nameBased(RUN_NAMESPACE, triggerId.toString());
    }

    /** RFC 4122 version 5 (SHA-1) UUID. */
    static UUID nameBased(UUID namespace, String name) {
        MessageDigest sha1;
        try {
            sha1 = MessageDigest.getInstance("SHA-1");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-1 is required by every Java platform", e);
        }
        ByteBuffer ns = ByteBuffer.allocate(16);
        ns.putLong(namespace.getMostSignificantBits()).putLong(namespace.getLeastSignificantBits());
        sha1.update(ns.array());
        byte[] hash = sha1.digest(name.getBytes(StandardCharsets.UTF_8));
        hash[6] = (byte) ((hash[6] & 0x0f) | 0x50);
        hash[8] = (byte) ((hash[8] & 0x3f) | 0x80);
        ByteBuffer bytes = ByteBuffer.wrap(hash, 0, 16);
        return new UUID(bytes.getLong(), bytes.getLong());
    }
}
