package io.polysync.dispatcher.config;

import io.polysync.model.run.Band;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

import java.time.Duration;

/**
 * Settings of the dispatcher.
 *
 * @param highThreshold   priority at or above which an admitted run goes to the high band (DESIGN.md section 6)
 * @param lowThreshold    priority below which an admitted run goes to the low band; the rest go to the normal band
 * @param ageingPerMinute points of effective priority a waiting run gains per minute waited (capped at 100)
 * @param recheckInterval how often waiting runs are re-checked for admission (rate windows expire, ageing reorders)
 * @param startTimeout    an admitted run no worker started within this time is failed as LOST (rule 6)
 * @param leaseTimeout    a RUNNING run without a heartbeat for this long is failed as LOST (rule 6)
 * @param metricsInterval how often the ledger gauges (queue depth and age, waiting runs, permits) are read
 */
@ConfigurationProperties("polysync.dispatcher")
public record DispatcherProperties(
        @DefaultValue("70") int highThreshold,
        @DefaultValue("30") int lowThreshold,
        @DefaultValue("1.0") double ageingPerMinute,
        @DefaultValue("1s") Duration recheckInterval,
        @DefaultValue("2m") Duration startTimeout,
        @DefaultValue("30s") Duration leaseTimeout,
        @DefaultValue("5s") Duration metricsInterval) {

    public DispatcherProperties {
        if (lowThreshold > highThreshold) {
            throw new IllegalArgumentException("polysync.dispatcher.low-threshold (" + lowThreshold
                    + ") must not exceed polysync.dispatcher.high-threshold (" + highThreshold + ")");
        }
        if (ageingPerMinute < 0) {
            throw new IllegalArgumentException("polysync.dispatcher.ageing-per-minute must not be negative");
        }
    }

    /** The band of a run admitted with this (effective) priority. */
    public Band band(int priority) {
        return Band.of(priority, highThreshold, lowThreshold);
    }
}
