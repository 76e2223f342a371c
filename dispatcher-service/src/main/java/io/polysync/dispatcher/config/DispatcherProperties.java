package io.polysync.dispatcher.config;

import io.polysync.model.run.Band;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * Settings of the dispatcher.
 *
 * @param highThreshold priority at or above which an admitted run goes to the high band (DESIGN.md section 6)
 * @param lowThreshold  priority below which an admitted run goes to the low band; the rest go to the normal band
 */
@ConfigurationProperties("polysync.dispatcher")
public record DispatcherProperties(
        @DefaultValue("70") int highThreshold,
        @DefaultValue("30") int lowThreshold) {

    public DispatcherProperties {
        if (lowThreshold > highThreshold) {
            throw new IllegalArgumentException("polysync.dispatcher.low-threshold (" + lowThreshold
                    + ") must not exceed polysync.dispatcher.high-threshold (" + highThreshold + ")");
        }
    }

    /** The band of a run admitted with this priority. */
    public Band band(int priority) {
        return Band.of(priority, highThreshold, lowThreshold);
    }
}
