package io.polysync.runtime.kafka;

import io.micrometer.core.instrument.MeterRegistry;
import io.polysync.model.Topics;
import org.apache.kafka.common.TopicPartition;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.kafka.config.KafkaListenerEndpointRegistry;
import org.springframework.kafka.core.KafkaTemplate;
import org.springframework.kafka.listener.CommonErrorHandler;
import org.springframework.kafka.listener.DeadLetterPublishingRecoverer;
import org.springframework.kafka.listener.DefaultErrorHandler;
import org.springframework.util.backoff.ExponentialBackOff;
import tools.jackson.core.JacksonException;

/**
 * A record a listener cannot handle never blocks its partition: an undecodable one goes to {@code <topic>.dlq} at once
 * (with the exception in its headers), others after a few retries with backoff.
 */
@Configuration(proxyBeanMethods = false)
public class DeadLetterConfiguration {

    private static final Logger log = LoggerFactory.getLogger(DeadLetterConfiguration.class);

    @Bean
    public DeadLetterMetrics deadLetterMetrics(MeterRegistry meters,
                                               ObjectProvider<KafkaListenerEndpointRegistry> listeners) {
        return new DeadLetterMetrics(meters, listeners);
    }

    @Bean
    public CommonErrorHandler polysyncErrorHandler(KafkaTemplate<String, String> template,
                                                   DeadLetterMetrics metrics) {
        DeadLetterPublishingRecoverer recoverer = new DeadLetterPublishingRecoverer(template,
                (record, exception) -> new TopicPartition(Topics.deadLetter(record.topic()), 0));
        ExponentialBackOff backOff = new ExponentialBackOff(200, 2.0);
        backOff.setMaxInterval(5_000);
        backOff.setMaxElapsedTime(60_000);
        DefaultErrorHandler handler = new DefaultErrorHandler((record, exception) -> {
            log.error("record {}-{}@{} sent to {}: {}", record.topic(), record.partition(), record.offset(),
                    Topics.deadLetter(record.topic()), exception.toString());
            recoverer.accept(record, exception);
            metrics.sent(record.topic());
        }, backOff);
        handler.addNotRetryableExceptions(JacksonException.class, IllegalArgumentException.class);
        return handler;
    }
}
