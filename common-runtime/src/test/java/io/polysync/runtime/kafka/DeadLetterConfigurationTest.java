package io.polysync.runtime.kafka;

import org.junit.jupiter.api.Test;
import org.springframework.dao.DataIntegrityViolationException;
import org.springframework.jdbc.CannotGetJdbcConnectionException;
import org.springframework.jdbc.UncategorizedSQLException;
import org.springframework.kafka.listener.ListenerExecutionFailedException;
import org.springframework.transaction.CannotCreateTransactionException;
import org.springframework.util.backoff.BackOffExecution;

import java.sql.SQLException;
import java.sql.SQLTransientConnectionException;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A record that failed because the database was down is retried until the database is back, never dead-lettered
 * after the minute of retries a failing record gets: a PostgreSQL outage longer than that used to drop triggers,
 * worker reports and run events the broker had acknowledged.
 */
class DeadLetterConfigurationTest {

    @Test
    void failuresToReachTheDatabaseAreToldApartFromBadRecords() {
        assertThat(DeadLetterConfiguration.databaseUnavailable(listenerFailed(new CannotGetJdbcConnectionException(
                "Failed to obtain JDBC Connection", new SQLTransientConnectionException("pool timed out"))))).isTrue();
        assertThat(DeadLetterConfiguration.databaseUnavailable(listenerFailed(new CannotCreateTransactionException(
                "Could not open JPA EntityManager for transaction", new RuntimeException("no connection"))))).isTrue();
        assertThat(DeadLetterConfiguration.databaseUnavailable(listenerFailed(new UncategorizedSQLException(
                "insert", "INSERT ...", new SQLException("terminating connection due to administrator command",
                        "57P01"))))).isTrue();
        assertThat(DeadLetterConfiguration.databaseUnavailable(listenerFailed(new UncategorizedSQLException(
                "select", "SELECT ...", new SQLException("An I/O error occurred while sending to the backend.",
                        "08006"))))).isTrue();

        assertThat(DeadLetterConfiguration.databaseUnavailable(listenerFailed(new IllegalStateException("bad"))))
                .isFalse();
        assertThat(DeadLetterConfiguration.databaseUnavailable(listenerFailed(new DataIntegrityViolationException(
                "duplicate key", new SQLException("duplicate key value violates unique constraint", "23505")))))
                .isFalse();
    }

    @Test
    void aRecordThatFailedForWantOfTheDatabaseIsRetriedFarLongerThanAMinuteAtMostFiveSecondsApart() {
        BackOffExecution retries = DeadLetterConfiguration.untilTheDatabaseIsBack().start();
        long waited = 0;
        for (int attempt = 0; attempt < 10_000; attempt++) {
            long next = retries.nextBackOff();
            assertThat(next).as("backoff before retry " + attempt).isNotEqualTo(BackOffExecution.STOP)
                    .isBetween(200L, 5_000L);
            waited += next;
        }
        assertThat(waited).as("milliseconds of retries").isGreaterThan(10 * 3_600_000L);
    }

    private static ListenerExecutionFailedException listenerFailed(Throwable cause) {
        return new ListenerExecutionFailedException("Listener method threw", cause);
    }
}
