package io.polysync.task.job;

import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.UUID;

/** A job as the API shows it. */
public record JobView(UUID id, String name, String platform, String platformType, String jobType,
                      Map<String, Object> parameterSchema, Map<String, Object> defaults, List<String> outputs,
                      Instant createdAt, Instant updatedAt) {

    static JobView of(Job job) {
        return new JobView(job.id(), job.name(), job.platform().name(), job.platform().type(), job.jobType(),
                job.parameterSchema(), job.defaults(), job.outputs(), job.createdAt(), job.updatedAt());
    }
}
