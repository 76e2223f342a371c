package io.polysync.dispatcher.metrics;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.polysync.runtime.metrics.AfterCommit;
import org.springframework.stereotype.Component;

import java.util.Collection;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Counts runs that had to wait for a contention profile, per profile. Profile names are few and chosen by
 * operators, so they are a bounded tag; every profile the dispatcher knows is registered at zero by
 * {@link DispatchGauges}.
 */
@Component
public class ProfileWaits {

    private final MeterRegistry meters;
    private final Map<String, Counter> counters = new ConcurrentHashMap<>();

    public ProfileWaits(MeterRegistry meters) {
        this.meters = meters;
    }

    /** A run started waiting for {@code profile}; counted once the caller's transaction commits. */
    public void waited(String profile) {
        Counter counter = counter(profile);
        AfterCommit.run(counter::increment);
    }

    void register(Collection<String> profiles) {
        profiles.forEach(this::counter);
    }

    private Counter counter(String profile) {
        return counters.computeIfAbsent(profile, p -> Counter.builder("polysync.profile.waits")
                .description("Times a run had to wait for this contention profile")
                .tag("profile", p)
                .register(meters));
    }
}
