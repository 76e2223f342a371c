package io.polysync.task.vault;

import io.polysync.task.json.JsonObjectConverter;
import jakarta.persistence.Column;
import jakarta.persistence.Convert;
import jakarta.persistence.Entity;
import jakarta.persistence.Id;
import jakarta.persistence.Table;
import jakarta.persistence.Version;

import java.time.Instant;
import java.util.Map;
import java.util.UUID;

/** A named source of secrets. Its config says where values live; it never holds a value itself. */
@Entity
@Table(name = "vault")
public class Vault {

    @Id
    private UUID id;

    @Column(nullable = false, updatable = false)
    private String name;

    @Column(nullable = false, updatable = false)
    private String kind;

    @Convert(converter = JsonObjectConverter.class)
    @Column(nullable = false)
    private Map<String, Object> config;

    @Column(name = "created_at", nullable = false, updatable = false)
    private Instant createdAt;

    @Column(name = "updated_at", nullable = false)
    private Instant updatedAt;

    @Version
    @Column(name = "row_version", nullable = false)
    private Long rowVersion;

    protected Vault() {
    }

    Vault(UUID id, String name, VaultKind kind, Map<String, Object> config, Instant now) {
        this.id = id;
        this.name = name;
        this.kind = kind.wire();
        this.config = Map.copyOf(config);
        this.createdAt = now;
        this.updatedAt = now;
    }

    void reconfigure(Map<String, Object> config, Instant now) {
        this.config = Map.copyOf(config);
        this.updatedAt = now;
    }

    public UUID id() {
        return id;
    }

    public String name() {
        return name;
    }

    public VaultKind kind() {
        return VaultKind.fromWire(kind).orElseThrow();
    }

    public Map<String, Object> config() {
        return config;
    }

    public Instant createdAt() {
        return createdAt;
    }

    public Instant updatedAt() {
        return updatedAt;
    }
}
