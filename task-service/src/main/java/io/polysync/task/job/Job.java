package io.polysync.task.job;

import io.polysync.model.task.JobSnapshot;
import io.polysync.task.json.JsonObjectConverter;
import io.polysync.task.json.StringListConverter;
import io.polysync.task.platform.Platform;
import jakarta.persistence.Column;
import jakarta.persistence.Convert;
import jakarta.persistence.Entity;
import jakarta.persistence.FetchType;
import jakarta.persistence.Id;
import jakarta.persistence.JoinColumn;
import jakarta.persistence.ManyToOne;
import jakarta.persistence.Table;
import jakarta.persistence.Version;

import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.UUID;

/** A reusable piece of work: a Platform, a Job Type, a parameter schema, defaults and declared outputs. */
@Entity
@Table(name = "job")
public class Job {

    @Id
    private UUID id;

    @Column(nullable = false, updatable = false)
    private String name;

    @ManyToOne(fetch = FetchType.LAZY, optional = false)
    @JoinColumn(name = "platform_id", nullable = false)
    private Platform platform;

    @Column(name = "job_type", nullable = false)
    private String jobType;

    @Convert(converter = JsonObjectConverter.class)
    @Column(name = "parameter_schema", nullable = false)
    private Map<String, Object> parameterSchema;

    @Convert(converter = JsonObjectConverter.class)
    @Column(nullable = false)
    private Map<String, Object> defaults;

    @Convert(converter = StringListConverter.class)
    @Column(nullable = false)
    private List<String> outputs;

    @Column(name = "created_at", nullable = false, updatable = false)
    private Instant createdAt;

    @Column(name = "updated_at", nullable = false)
    private Instant updatedAt;

    @Version
    @Column(name = "row_version", nullable = false)
    private Long rowVersion;

    protected Job() {
    }

    public Job(UUID id, String name, Platform platform, String jobType, Map<String, Object> parameterSchema,
               Map<String, Object> defaults, List<String> outputs, Instant now) {
        this.id = id;
        this.name = name;
        this.platform = platform;
        this.jobType = jobType;
        this.parameterSchema = parameterSchema;
        this.defaults = defaults;
        this.outputs = List.copyOf(outputs);
        this.createdAt = now;
        this.updatedAt = now;
    }

    /** Replaces the definition (the name never changes); answers whether anything changed. */
    boolean replace(Platform platform, String jobType, Map<String, Object> parameterSchema,
                    Map<String, Object> defaults, List<String> outputs, Instant now) {
        boolean changed = !this.platform.id().equals(platform.id()) || !this.jobType.equals(jobType)
                || !this.parameterSchema.equals(parameterSchema) || !this.defaults.equals(defaults)
                || !this.outputs.equals(outputs);
        if (changed) {
            this.platform = platform;
            this.jobType = jobType;
            this.parameterSchema = parameterSchema;
            this.defaults = defaults;
            this.outputs = List.copyOf(outputs);
            this.updatedAt = now;
        }
        return changed;
    }

    public JobSnapshot snapshot() {
        return new JobSnapshot(id, name, jobType, parameterSchema, defaults, outputs, platform.snapshot());
    }

    public UUID id() {
        return id;
    }

    public String name() {
        return name;
    }

    public Platform platform() {
        return platform;
    }

    public String jobType() {
        return jobType;
    }

    public Map<String, Object> parameterSchema() {
        return parameterSchema;
    }

    public Map<String, Object> defaults() {
        return defaults;
    }

    public List<String> outputs() {
        return outputs;
    }

    public Instant createdAt() {
        return createdAt;
    }

    public Instant updatedAt() {
        return updatedAt;
    }
}
