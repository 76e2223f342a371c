package io.polysync.task.vault;

import org.junit.jupiter.api.Test;

import java.security.SecureRandom;
import java.util.Base64;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class SecretCipherTest {

    private static String newKey() {
        byte[] key = new byte[32];
        new SecureRandom().nextBytes(key);
        return Base64.getEncoder().encodeToString(key);
    }

    private final SecretCipher cipher = SecretCipher.of(newKey());

    @Test
    void decryptsWhatItEncryptedWithoutStoringThePlainText() {
        String sealed = cipher.encrypt("main", "token", "s3cr3t-välue");

        assertThat(sealed).doesNotContain("s3cr3t");
        assertThat(Base64.getDecoder().decode(sealed)).hasSize(12 + "s3cr3t-välue".getBytes().length + 16);
        assertThat(cipher.decrypt("main", "token", sealed)).isEqualTo("s3cr3t-välue");
    }

    @Test
    void usesAFreshNonceForEveryValue() {
        assertThat(cipher.encrypt("main", "token", "same")).isNotEqualTo(cipher.encrypt("main", "token", "same"));
    }

    @Test
    void refusesToDecryptWithAnotherKey() {
        String sealed = cipher.encrypt("main", "token", "value");

        assertThatThrownBy(() -> SecretCipher.of(newKey()).decrypt("main", "token", sealed))
                .isInstanceOf(SecretUnavailableException.class)
                .hasMessageContaining("cannot be decrypted with the configured master key");
    }

    @Test
    void refusesATamperedCiphertext() {
        byte[] bytes = Base64.getDecoder().decode(cipher.encrypt("main", "token", "value"));
        bytes[14] ^= 1;
        String tampered = Base64.getEncoder().encodeToString(bytes);

        assertThatThrownBy(() -> cipher.decrypt("main", "token", tampered))
                .isInstanceOf(SecretUnavailableException.class);
        assertThatThrownBy(() -> cipher.decrypt("main", "token", "bm9wZQ=="))
                .isInstanceOf(SecretUnavailableException.class);
    }

    @Test
    void bindsTheValueToItsVaultAndSecretName() {
        String sealed = cipher.encrypt("main", "token", "value");

        assertThatThrownBy(() -> cipher.decrypt("main", "other", sealed)).isInstanceOf(SecretUnavailableException.class);
        assertThatThrownBy(() -> cipher.decrypt("mai", "ntoken", sealed)).isInstanceOf(SecretUnavailableException.class);
    }

    @Test
    void withoutAKeyRefusesBothWaysWithAClearMessage() {
        SecretCipher none = SecretCipher.of("");

        assertThat(none.hasKey()).isFalse();
        assertThatThrownBy(() -> none.encrypt("main", "token", "value"))
                .isInstanceOf(SecretUnavailableException.class)
                .hasMessageContaining("no master key is configured").hasMessageContaining("POLYSYNC_MASTER_KEY");
        assertThatThrownBy(() -> none.decrypt("main", "token", "AAAA")).isInstanceOf(SecretUnavailableException.class);
    }

    @Test
    void rejectsAMalformedKeyWithoutRepeatingIt() {
        String shortKey = Base64.getEncoder().encodeToString(new byte[16]);

        assertThatThrownBy(() -> SecretCipher.of(shortKey))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("exactly 32 bytes")
                .hasMessageNotContaining(shortKey);
        assertThatThrownBy(() -> SecretCipher.of("not base64!"))
                .isInstanceOf(IllegalArgumentException.class).hasMessageNotContaining("not base64!");
    }
}
