package io.polysync.scheduler.config;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

import java.time.Duration;

/**
 * Scheduler settings.
 *
 * @param misfireThreshold how late a fire may be before it counts as missed (DESIGN.md section 10 rule 19)
 * @param retries          the due-retry publisher
 */
@ConfigurationProperties("polysync.scheduler")
public record SchedulerProperties(@DefaultValue("60s") Duration misfireThreshold,
                                  @DefaultValue Retries retries) {

    /**
     * The due-retry publisher.
     *
     * @param pollInterval how often it re-reads the pending retries at most, so another replica's are seen in time
     * @param batchSize    how many due retries it publishes in one transaction
     */
    public record Retries(@DefaultValue("1s") Duration pollInterval, @DefaultValue("100") int batchSize) {
    }
}
