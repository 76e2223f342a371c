package io.polysync.scheduler.config;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

import java.time.Duration;

/**
 * Scheduler settings.
 *
 * @param misfireThreshold how late a fire may be before it counts as missed (DESIGN.md section 10 rule 19)
 */
@ConfigurationProperties("polysync.scheduler")
public record SchedulerProperties(@DefaultValue("60s") Duration misfireThreshold) {
}
