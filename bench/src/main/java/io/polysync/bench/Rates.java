package io.polysync.bench;

import java.time.Duration;
import java.time.Instant;
import java.util.List;

/** Rates from the completion instants of a batch of runs. */
public final class Rates {

    private Rates() {
    }

    /** Completions per second from the first to the last (NaN with fewer than two). */
    public static double firstToLast(List<Instant> sortedCompletions) {
        if (sortedCompletions.size() < 2) {
            return Double.NaN;
        }
        return (sortedCompletions.size() - 1) / seconds(sortedCompletions.get(0),
                sortedCompletions.get(sortedCompletions.size() - 1));
    }

    /**
     * The sustained rate: completions per second between the 10th and the 90th percentile completion. While a
     * backlog exists the system completes as fast as it can, so this middle part is the rate at which the backlog
     * does not grow; the start (warming, the first triggers still arriving) and the tail (the last stragglers) are
     * left out.
     */
    public static double steadyMiddle(List<Instant> sortedCompletions) {
        int n = sortedCompletions.size();
        if (n < 10) {
            return Double.NaN;
        }
        int from = n / 10;
        int to = n - 1 - n / 10;
        return (to - from) / seconds(sortedCompletions.get(from), sortedCompletions.get(to));
    }

    static double seconds(Instant from, Instant to) {
        return Math.max(Duration.between(from, to).toNanos() / 1e9, 1e-6);
    }
}
