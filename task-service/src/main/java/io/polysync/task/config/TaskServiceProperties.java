package io.polysync.task.config;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * Settings of the task-service.
 *
 * @param defaultPageSize page size of a list when the request names none
 * @param maxPageSize     the largest page size a request may ask for
 * @param apiRequester    recorded as {@code requestedBy} of runs started through the API
 */
@ConfigurationProperties("polysync.task")
public record TaskServiceProperties(
        @DefaultValue("20") int defaultPageSize,
        @DefaultValue("200") int maxPageSize,
        @DefaultValue("api") String apiRequester) {
}
