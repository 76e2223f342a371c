package io.polysync.model.task;

import java.time.Duration;

/**
 * A contention profile as the task-service last saved it: a gate shared by every task linked to it. At least one of
 * the two limits is set. {@code version} grows with every save, so a consumer keeps the newest limits it has seen.
 *
 * @param maxConcurrent at most this many admitted, unfinished runs of all linked tasks at once; null for no limit
 * @param rateLimit     at most {@code runs} admissions in any sliding window of length {@code per}; null for none
 */
public record ContentionProfileSnapshot(String name, Integer maxConcurrent, RateLimit rateLimit, long version) {

    public record RateLimit(int runs, Duration per) {
    }
}
