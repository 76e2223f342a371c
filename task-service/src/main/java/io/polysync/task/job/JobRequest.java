package io.polysync.task.job;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;

import java.util.List;
import java.util.Map;

/**
 * The body of {@code POST /api/v1/jobs}.
 *
 * @param parameterSchema a JSON Schema object; the job type's schema when absent
 * @param defaults        parameter values every task of this job starts from
 * @param outputs         the outputs runs of this job report; the job type's when absent
 */
@JsonIgnoreProperties({"id", "platformType", "createdAt", "updatedAt"})
public record JobRequest(String name, String platform, String jobType, Map<String, Object> parameterSchema,
                         Map<String, Object> defaults, List<String> outputs) {
}
