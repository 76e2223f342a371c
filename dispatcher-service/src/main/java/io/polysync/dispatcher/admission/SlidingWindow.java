package io.polysync.dispatcher.admission;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;

/**
 * The rate limit of a contention profile (DESIGN.md section 10 rule 22): at most {@code runs} admissions in any
 * window of length {@code per}. An admission at {@code t} occupies a slot until
 * exactly {@code t + per}, when the slot is free again.
 */
public final class SlidingWindow {

    private SlidingWindow() {
    }

    /**
     * When the next admission may happen, or empty when one may happen at {@code now}. Counting every admission later
     * than {@code now - per} (also any after {@code now}, made by a replica with a faster view of time) keeps every
     * window that contains {@code now} within the limit.
     *
     * @param admissions earlier admission instants of the profile, in any order
     */
    public static Optional<Instant> nextSlot(List<Instant> admissions, int runs, Duration per, Instant now) {
        Instant windowStart = now.minus(per);
        List<Instant> inWindow = admissions.stream().filter(a -> a.isAfter(windowStart)).sorted().toList();
        if (inWindow.size() < runs) {
            return Optional.empty();
        }
        return Optional.of(inWindow.get(inWindow.size() - runs).plus(per));
    }
}
