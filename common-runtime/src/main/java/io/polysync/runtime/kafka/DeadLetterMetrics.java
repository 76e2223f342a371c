package io.polysync.runtime.kafka;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.context.ApplicationListener;
import org.springframework.context.event.ContextRefreshedEvent;
import org.springframework.kafka.config.KafkaListenerEndpointRegistry;
import org.springframework.kafka.listener.MessageListenerContainer;

import java.util.Arrays;
import java.util.Collection;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Counts records sent to {@code <topic>.dlq}, tagged with the source topic. The topics this service's listener
 * containers consume are registered at zero once the context is refreshed; consumers outside a container (the
 * worker's run slots) register theirs themselves. Topics are few and fixed, so the tag stays bounded.
 */
public class DeadLetterMetrics implements ApplicationListener<ContextRefreshedEvent> {

    static final String NAME = "polysync.dlq.records";

    private final MeterRegistry meters;
    private final ObjectProvider<KafkaListenerEndpointRegistry> listeners;
    private final Map<String, Counter> counters = new ConcurrentHashMap<>();

    public DeadLetterMetrics(MeterRegistry meters, ObjectProvider<KafkaListenerEndpointRegistry> listeners) {
        this.meters = meters;
        this.listeners = listeners;
    }

    /** Registers the counters of these source topics at zero. */
    public void register(Collection<String> topics) {
        topics.forEach(this::counter);
    }

    /** One record of {@code topic} went to its dead-letter topic. */
    public void sent(String topic) {
        counter(topic).increment();
    }

    @Override
    public void onApplicationEvent(ContextRefreshedEvent event) {
        KafkaListenerEndpointRegistry registry = listeners.getIfUnique();
        if (registry == null) {
            return;
        }
        for (MessageListenerContainer container : registry.getAllListenerContainers()) {
            String[] topics = container.getContainerProperties().getTopics();
            if (topics != null) {
                register(Arrays.asList(topics));
            }
        }
    }

    private Counter counter(String topic) {
        return counters.computeIfAbsent(topic, t -> Counter.builder(NAME)
                .description("Records sent to <topic>.dlq, by source topic")
                .tag("topic", t)
                .register(meters));
    }
}
