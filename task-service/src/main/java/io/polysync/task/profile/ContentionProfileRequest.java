package io.polysync.task.profile;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;

/**
 * The body of {@code POST /api/v1/contention-profiles} and {@code PUT /api/v1/contention-profiles/{name}}: at least
 * one of the two limits. Read-only fields of the answer may be sent back and are ignored.
 *
 * @param maxConcurrent at most this many runs of all linked tasks at once
 * @param rateLimit     at most {@code runs} admissions in any sliding window of {@code per} (ISO-8601, e.g. PT1M)
 */
@JsonIgnoreProperties({"id", "tasks", "version", "createdAt", "updatedAt"})
public record ContentionProfileRequest(String name, Integer maxConcurrent, RateLimit rateLimit) {

    public record RateLimit(Integer runs, String per) {
    }
}
