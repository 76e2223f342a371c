package io.polysync.task.vault;

import javax.crypto.AEADBadTagException;
import javax.crypto.Cipher;
import javax.crypto.spec.GCMParameterSpec;
import javax.crypto.spec.SecretKeySpec;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.SecureRandom;
import java.util.Base64;
import java.util.Optional;

/**
 * Encrypts builtin secret values with AES-256-GCM under the master key. Each value gets a fresh random 96-bit nonce,
 * and the vault and secret name are bound in as associated data, so a ciphertext copied to another row does not
 * decrypt. Stored form: base64 of nonce || ciphertext || 128-bit tag.
 *
 * <p>Without a master key the cipher exists but refuses every operation with {@link SecretUnavailableException}, so
 * the service still starts and serves everything but builtin secret values.
 */
public final class SecretCipher {

    /** The variable operators set; named in errors so they know what to do. */
    public static final String MASTER_KEY_VARIABLE = "POLYSYNC_MASTER_KEY";

    private static final String TRANSFORMATION = "AES/GCM/NoPadding";
    private static final int KEY_BYTES = 32;
    private static final int NONCE_BYTES = 12;
    private static final int TAG_BITS = 128;

    private final SecretKeySpec key;
    private final SecureRandom random = new SecureRandom();

    private SecretCipher(SecretKeySpec key) {
        this.key = key;
    }

    /**
     * @param base64Key the master key as base64 of 32 bytes, or null/blank for none
     * @throws IllegalArgumentException when a key is given but is not base64 of exactly 32 bytes (the message never
     *                                  contains the key)
     */
    public static SecretCipher of(String base64Key) {
        if (base64Key == null || base64Key.isBlank()) {
            return new SecretCipher(null);
        }
        byte[] bytes;
        try {
            bytes = Base64.getDecoder().decode(base64Key.trim());
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("the master key (" + MASTER_KEY_VARIABLE + " or "
                    + "polysync.task.vault.master-key) is not valid base64");
        }
        if (bytes.length != KEY_BYTES) {
            throw new IllegalArgumentException("the master key (" + MASTER_KEY_VARIABLE + " or "
                    + "polysync.task.vault.master-key) must be base64 of exactly 32 bytes, not " + bytes.length);
        }
        return new SecretCipher(new SecretKeySpec(bytes, "AES"));
    }

    public boolean hasKey() {
        return key != null;
    }

    public String encrypt(String vault, String secret, String value) {
        SecretKeySpec k = requireKey();
        byte[] nonce = new byte[NONCE_BYTES];
        random.nextBytes(nonce);
        try {
            Cipher cipher = Cipher.getInstance(TRANSFORMATION);
            cipher.init(Cipher.ENCRYPT_MODE, k, new GCMParameterSpec(TAG_BITS, nonce));
            cipher.updateAAD(associatedData(vault, secret));
            byte[] sealed = cipher.doFinal(value.getBytes(StandardCharsets.UTF_8));
            return Base64.getEncoder().encodeToString(
                    ByteBuffer.allocate(nonce.length + sealed.length).put(nonce).put(sealed).array());
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("AES-GCM is not available in this JVM", e);
        }
    }

    /** @throws SecretUnavailableException without a key, or when the stored value does not open with this key */
    public String decrypt(String vault, String secret, String stored) {
        SecretKeySpec k = requireKey();
        Optional<byte[]> bytes = decode(stored);
        if (bytes.isEmpty() || bytes.get().length < NONCE_BYTES + TAG_BITS / 8) {
            throw SecretUnavailableException.undecryptable(vault, secret);
        }
        byte[] all = bytes.get();
        try {
            Cipher cipher = Cipher.getInstance(TRANSFORMATION);
            cipher.init(Cipher.DECRYPT_MODE, k, new GCMParameterSpec(TAG_BITS, all, 0, NONCE_BYTES));
            cipher.updateAAD(associatedData(vault, secret));
            return new String(cipher.doFinal(all, NONCE_BYTES, all.length - NONCE_BYTES), StandardCharsets.UTF_8);
        } catch (AEADBadTagException e) {
            throw SecretUnavailableException.undecryptable(vault, secret);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("AES-GCM is not available in this JVM", e);
        }
    }

    private SecretKeySpec requireKey() {
        if (key == null) {
            throw SecretUnavailableException.noMasterKey();
        }
        return key;
    }

    /** Length-prefixed, so ("a", "bc") and ("ab", "c") differ. */
    private static byte[] associatedData(String vault, String secret) {
        byte[] v = vault.getBytes(StandardCharsets.UTF_8);
        byte[] s = secret.getBytes(StandardCharsets.UTF_8);
        return ByteBuffer.allocate(8 + v.length + s.length).putInt(v.length).put(v).putInt(s.length).put(s).array();
    }

    private static Optional<byte[]> decode(String stored) {
        try {
            return Optional.of(Base64.getDecoder().decode(stored));
        } catch (IllegalArgumentException e) {
            return Optional.empty();
        }
    }
}
