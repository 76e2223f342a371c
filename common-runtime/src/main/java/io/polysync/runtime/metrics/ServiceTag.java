package io.polysync.runtime.metrics;

import io.micrometer.core.instrument.Tags;
import io.micrometer.core.instrument.config.MeterFilter;

/**
 * Every meter of a service carries {@code service=<spring.application.name>}. In the standalone mode the four
 * services share one Prometheus registry, and Prometheus needs one set of tag keys per meter name: with the tag on
 * every meter of every service, two services' meters of one name differ by its value only.
 */
public final class ServiceTag {

    public static final String KEY = "service";

    private ServiceTag() {
    }

    public static MeterFilter filter(String service) {
        return MeterFilter.commonTags(Tags.of(KEY, service));
    }
}
