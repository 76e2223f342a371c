package io.polysync.task.platform;

import io.polysync.model.task.PlatformSnapshot;
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

/** A named connection to an external system. Secret-bearing config values are vault references. */
@Entity
@Table(name = "platform")
public class Platform {

    @Id
    private UUID id;

    @Column(nullable = false, updatable = false)
    private String name;

    @Column(name = "platform_type", nullable = false)
    private String type;

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

    protected Platform() {
    }

    public Platform(UUID id, String name, String type, Map<String, Object> config, Instant now) {
        this.id = id;
        this.name = name;
        this.type = type;
        this.config = Map.copyOf(config);
        this.createdAt = now;
        this.updatedAt = now;
    }

    /** Replaces the definition (the name never changes); answers whether anything changed. */
    public boolean replace(String type, Map<String, Object> config, Instant now) {
        boolean changed = !this.type.equals(type) || !this.config.equals(config);
        if (changed) {
            this.type = type;
            this.config = Map.copyOf(config);
            this.updatedAt = now;
        }
        return changed;
    }

    public PlatformSnapshot snapshot() {
        return new PlatformSnapshot(id, name, type, config);
    }

    public UUID id() {
        return id;
    }

    public String name() {
        return name;
    }

    public String type() {
        return type;
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
