package io.polysync.runtime.kafka;

import io.micrometer.core.instrument.MeterRegistry;
import io.polysync.model.Topics;
import org.apache.kafka.common.TopicPartition;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.dao.DataAccessResourceFailureException;
import org.springframework.dao.RecoverableDataAccessException;
import org.springframework.dao.TransientDataAccessResourceException;
import org.springframework.kafka.config.KafkaListenerEndpointRegistry;
import org.springframework.kafka.core.KafkaTemplate;
import org.springframework.kafka.listener.CommonErrorHandler;
import org.springframework.kafka.listener.DeadLetterPublishingRecoverer;
import org.springframework.kafka.listener.DefaultErrorHandler;
import org.springframework.transaction.CannotCreateTransactionException;
import org.springframework.util.backoff.BackOff;
import org.springframework.util.backoff.ExponentialBackOff;
import tools.jackson.core.JacksonException;

import java.sql.SQLException;
import java.sql.SQLNonTransientConnectionException;
import java.sql.SQLRecoverableException;
import java.sql.SQLTransientConnectionException;

/**
 * A record a listener cannot handle never blocks its partition: an undecodable one goes to {@code <topic>.dlq} at once
 * (with the exception in its headers), others after a few retries with backoff. A record that failed because the
 * database is unreachable is not such a record: it is retried until the database is back, however long that takes,
 * since dead-lettering it would drop a trigger, a report or a transition the broker had acknowledged (DESIGN.md
 * section 7, invariant 6).
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
        handler.setBackOffFunction((record, exception) -> databaseUnavailable(exception) ? untilTheDatabaseIsBack()
                : null);
        return handler;
    }

    /** The backoff for a record that failed because the database is down: never exhausted. */
    static BackOff untilTheDatabaseIsBack() {
        ExponentialBackOff backOff = new ExponentialBackOff(200, 2.0);
        backOff.setMaxInterval(5_000);
        backOff.setMaxElapsedTime(Long.MAX_VALUE);
        backOff.setMaxAttempts(Long.MAX_VALUE);
        return backOff;
    }

    /**
     * Whether a listener failed because its database could not be reached (no connection, connection lost, the server
     * shutting down or still recovering), as opposed to a problem with the record itself.
     */
    static boolean databaseUnavailable(Throwable failure) {
        for (Throwable t = failure; t != null; t = t.getCause() == t ? null : t.getCause()) {
            if (t instanceof DataAccessResourceFailureException || t instanceof TransientDataAccessResourceException
                    || t instanceof RecoverableDataAccessException || t instanceof CannotCreateTransactionException
                    || t instanceof SQLTransientConnectionException || t instanceof SQLRecoverableException
                    || t instanceof SQLNonTransientConnectionException) {
                return true;
            }
            if (t instanceof SQLException sql && sql.getSQLState() != null
                    && (sql.getSQLState().startsWith("08") || sql.getSQLState().startsWith("57P"))) {
                return true; // connection exceptions; admin shutdown, crash shutdown, cannot connect now (recovery)
            }
        }
        return false;
    }
}
