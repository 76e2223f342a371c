package io.polysync.task.profile;

import java.time.Instant;
import java.util.List;
import java.util.UUID;

/**
 * A contention profile as the API shows it, with the names of the tasks linked to it; {@code version} is the one
 * embedded in their snapshots.
 */
public record ContentionProfileView(UUID id, String name, Integer maxConcurrent, RateLimit rateLimit,
                                    List<String> tasks, long version, Instant createdAt, Instant updatedAt) {

    /** {@code per} as an ISO-8601 duration. */
    public record RateLimit(int runs, String per) {
    }

    static ContentionProfileView of(ContentionProfile p, List<String> tasks) {
        RateLimit rate = p.rateLimitRuns() == null ? null : new RateLimit(p.rateLimitRuns(), p.rateLimitPer().toString());
        return new ContentionProfileView(p.id(), p.name(), p.maxConcurrent(), rate, tasks, p.profileVersion(),
                p.createdAt(), p.updatedAt());
    }
}
