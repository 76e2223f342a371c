package io.polysync.bench;

import org.HdrHistogram.Histogram;

import java.time.Duration;
import java.time.Instant;
import java.util.Locale;

/**
 * A latency distribution in microseconds up to one hour, read as p50/p95/p99/max in milliseconds. Samples that only
 * have a lower bound (a request the open-loop sender never got to send, a run still not RUNNING when the drain
 * timeout ended) are recorded at that bound and counted, so a report can say "at least".
 */
public final class Latency {

    private static final long MAX_MICROS = Duration.ofHours(1).toNanos() / 1_000;

    private final Histogram histogram = new Histogram(MAX_MICROS, 3);
    private long lowerBounds;
    private long negatives;

    public void record(Instant from, Instant to) {
        record(Duration.between(from, to));
    }

    public void record(Duration latency) {
        long micros = latency.toNanos() / 1_000;
        if (micros < 0) {
            // a clock read on another thread or truncated to microseconds can land a hair before its cause
            negatives++;
            micros = 0;
        }
        histogram.recordValue(Math.min(micros, MAX_MICROS));
    }

    /** A sample whose true value is at least {@code atLeast}. */
    public void recordAtLeast(Duration atLeast) {
        lowerBounds++;
        record(atLeast);
    }

    public long count() {
        return histogram.getTotalCount();
    }

    public long lowerBounds() {
        return lowerBounds;
    }

    public long negatives() {
        return negatives;
    }

    public double percentileMillis(double percentile) {
        return count() == 0 ? Double.NaN : histogram.getValueAtPercentile(percentile) / 1_000.0;
    }

    public double maxMillis() {
        return count() == 0 ? Double.NaN : histogram.getMaxValue() / 1_000.0;
    }

    /** {@code p50 12.3 / p95 … / p99 … / max … ms (n=…)}, with how many samples are lower bounds. */
    public String summary() {
        if (count() == 0) {
            return "no samples";
        }
        return String.format(Locale.ROOT, "p50 %s / p95 %s / p99 %s / max %s ms (n=%d%s)",
                Report.number(percentileMillis(50)), Report.number(percentileMillis(95)),
                Report.number(percentileMillis(99)), Report.number(maxMillis()), count(),
                lowerBounds == 0 ? "" : ", " + lowerBounds + " not sent or not there in time, counted at their lower bound");
    }
}
