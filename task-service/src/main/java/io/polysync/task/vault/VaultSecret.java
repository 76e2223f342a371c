package io.polysync.task.vault;

import jakarta.persistence.Column;
import jakarta.persistence.Embeddable;
import jakarta.persistence.EmbeddedId;
import jakarta.persistence.Entity;
import jakarta.persistence.Table;

import java.io.Serializable;
import java.time.Instant;
import java.util.UUID;

/** One secret of a builtin vault: its value only as ciphertext (see {@link SecretCipher}). */
@Entity
@Table(name = "vault_secret")
public class VaultSecret {

    @Embeddable
    public record Key(@Column(name = "vault_id") UUID vaultId, @Column(name = "name") String name)
            implements Serializable {
    }

    @EmbeddedId
    private Key key;

    @Column(nullable = false)
    private String ciphertext;

    @Column(name = "created_at", nullable = false, updatable = false)
    private Instant createdAt;

    @Column(name = "updated_at", nullable = false)
    private Instant updatedAt;

    protected VaultSecret() {
    }

    VaultSecret(UUID vaultId, String name, String ciphertext, Instant now) {
        this.key = new Key(vaultId, name);
        this.ciphertext = ciphertext;
        this.createdAt = now;
        this.updatedAt = now;
    }

    void replace(String ciphertext, Instant now) {
        this.ciphertext = ciphertext;
        this.updatedAt = now;
    }

    public String name() {
        return key.name();
    }

    String ciphertext() {
        return ciphertext;
    }

    public Instant updatedAt() {
        return updatedAt;
    }

    /** Deliberately without the ciphertext: entities end up in logs and debuggers. */
    @Override
    public String toString() {
        return "VaultSecret[" + key + "]";
    }
}
