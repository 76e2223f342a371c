package io.polysync.task.profile;

import io.polysync.model.task.ContentionProfileSnapshot;
import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.Id;
import jakarta.persistence.Table;
import jakarta.persistence.Version;

import java.time.Duration;
import java.time.Instant;
import java.util.Objects;
import java.util.UUID;

/** A shared limit that tasks opt into by name: at most N concurrent runs and/or at most R admissions per period. */
@Entity
@Table(name = "contention_profile")
public class ContentionProfile {

    @Id
    private UUID id;

    @Column(nullable = false, updatable = false)
    private String name;

    @Column(name = "max_concurrent")
    private Integer maxConcurrent;

    @Column(name = "rate_limit_runs")
    private Integer rateLimitRuns;

    @Column(name = "rate_limit_per_millis")
    private Long rateLimitPerMillis;

    /** 1 when created, plus one for every save that changed a limit; published in task snapshots. */
    @Column(name = "profile_version", nullable = false)
    private long profileVersion;

    @Column(name = "created_at", nullable = false, updatable = false)
    private Instant createdAt;

    @Column(name = "updated_at", nullable = false)
    private Instant updatedAt;

    @Version
    @Column(name = "row_version", nullable = false)
    private Long rowVersion;

    protected ContentionProfile() {
    }

    ContentionProfile(UUID id, ContentionProfileValidator.ValidProfile valid, Instant now) {
        this.id = id;
        this.name = valid.name();
        this.createdAt = now;
        apply(valid, now);
        this.profileVersion = 1;
    }

    /** Answers whether anything changed; only then is it a new profile version. */
    boolean apply(ContentionProfileValidator.ValidProfile valid, Instant now) {
        Integer runs = valid.rateLimit() == null ? null : valid.rateLimit().runs();
        Long per = valid.rateLimit() == null ? null : valid.rateLimit().per().toMillis();
        boolean changed = !Objects.equals(maxConcurrent, valid.maxConcurrent())
                || !Objects.equals(rateLimitRuns, runs) || !Objects.equals(rateLimitPerMillis, per);
        maxConcurrent = valid.maxConcurrent();
        rateLimitRuns = runs;
        rateLimitPerMillis = per;
        if (changed || updatedAt == null) {
            updatedAt = now;
        }
        if (changed) {
            profileVersion++;
        }
        return changed;
    }

    public UUID id() {
        return id;
    }

    public String name() {
        return name;
    }

    public Integer maxConcurrent() {
        return maxConcurrent;
    }

    public Integer rateLimitRuns() {
        return rateLimitRuns;
    }

    public Duration rateLimitPer() {
        return rateLimitPerMillis == null ? null : Duration.ofMillis(rateLimitPerMillis);
    }

    public long profileVersion() {
        return profileVersion;
    }

    /** The limits as embedded in the snapshots of the linked tasks. */
    public ContentionProfileSnapshot snapshot() {
        ContentionProfileSnapshot.RateLimit rate = rateLimitRuns == null ? null
                : new ContentionProfileSnapshot.RateLimit(rateLimitRuns, rateLimitPer());
        return new ContentionProfileSnapshot(name, maxConcurrent, rate, profileVersion);
    }

    public Instant createdAt() {
        return createdAt;
    }

    public Instant updatedAt() {
        return updatedAt;
    }
}
