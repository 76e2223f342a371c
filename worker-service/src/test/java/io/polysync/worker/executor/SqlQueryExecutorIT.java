package io.polysync.worker.executor;

import io.polysync.model.run.FailureReason;
import io.polysync.runtime.testing.TestDatabase;
import io.polysync.worker.execution.InvalidParametersException;
import io.polysync.worker.execution.JobResult;
import org.junit.jupiter.api.Test;

import java.net.InetAddress;
import java.net.ServerSocket;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicReference;

import static io.polysync.worker.executor.Contexts.context;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

/** {@code sql.query} against the test PostgreSQL. */
class SqlQueryExecutorIT {

    private final SqlQueryExecutor sql = new SqlQueryExecutor();

    private static Map<String, Object> platform() {
        TestDatabase.Connection db = TestDatabase.get();
        Map<String, Object> config = new HashMap<>();
        config.put("jdbcUrl", db.url());
        config.put("username", db.username());
        config.put("password", db.password());
        return config;
    }

    @Test
    void reportsTheRowCountAndTheFirstRowsColumns() throws Exception {
        JobResult result = sql.execute(context("postgres", platform(), Map.of("query", "select 1 as one, 'x' as name")));

        assertThat(result).isEqualTo(JobResult.success(Map.of("rowCount", 1L, "row", Map.of("one", 1, "name", "x"))));
    }

    @Test
    void bindsParametersInOrderAndCountsEveryRow() throws Exception {
        JobResult result = sql.execute(context("postgres", platform(), Map.of(
                "query", "select n, n * ? as scaled, ?::text as label from generate_series(1, 3) as n where ?",
                "parameters", List.of(10, "rows", true))));

        assertThat(result).isEqualTo(JobResult.success(Map.of("rowCount", 3L,
                "row", Map.of("n", 1, "scaled", 10L, "label", "rows"))));
    }

    @Test
    void failsForGoodOnAStatementTheDatabaseRejects() throws Exception {
        JobResult result = sql.execute(context("postgres", platform(), Map.of("query", "selec 1")));

        assertThat(result).isInstanceOfSatisfying(JobResult.Failure.class, failure -> {
            assertThat(failure.error().reason()).isEqualTo(FailureReason.NON_RETRYABLE);
            assertThat(failure.error().retryable()).isFalse();
            assertThat(failure.error().message()).contains("syntax error").contains("42601");
        });
    }

    @Test
    void failsRetryablyWhenTheDatabaseIsUnreachable() throws Exception {
        int closedPort;
        try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            closedPort = socket.getLocalPort();
        }
        Map<String, Object> platform = platform();
        platform.put("jdbcUrl", "jdbc:postgresql://127.0.0.1:" + closedPort + "/nothing");

        JobResult result = sql.execute(context("postgres", platform, Map.of("query", "select 1")));

        assertThat(result).isInstanceOfSatisfying(JobResult.Failure.class, failure -> {
            assertThat(failure.error().reason()).isEqualTo(FailureReason.EXECUTION_FAILED);
            assertThat(failure.error().retryable()).isTrue();
            assertThat(failure.error().message()).startsWith("cannot connect to");
        });
    }

    @Test
    void cancelsTheStatementOnTheServerWhenTheJobIsInterrupted() throws Exception {
        String marker = "interrupted-" + UUID.randomUUID();
        AtomicReference<Throwable> thrown = new AtomicReference<>();
        Thread job = new Thread(() -> {
            try {
                sql.execute(context("postgres", platform(), Map.of("query", "select pg_sleep(60), ?::text as marker",
                        "parameters", List.of(marker))));
            } catch (Throwable e) {
                thrown.set(e);
            }
        });
        job.start();
        await().atMost(Duration.ofSeconds(10)).until(() -> sleepingStatements() > 0);

        job.interrupt();
        job.join(Duration.ofSeconds(5).toMillis());

        assertThat(job.isAlive()).isFalse();
        assertThat(thrown.get()).isInstanceOf(InterruptedException.class);
        await().atMost(Duration.ofSeconds(10)).until(() -> sleepingStatements() == 0);
    }

    private static long sleepingStatements() throws Exception {
        TestDatabase.Connection db = TestDatabase.get();
        try (Connection connection = DriverManager.getConnection(db.url(), db.username(), db.password());
             ResultSet rows = connection.createStatement().executeQuery("select count(*) from pg_stat_activity"
                     + " where application_name = 'polysync-worker' and state = 'active'"
                     + " and query like 'select pg_sleep(60)%'")) {
            rows.next();
            return rows.getLong(1);
        }
    }

    @Test
    void refusesAJdbcUrlOfAnotherDriver() {
        Map<String, Object> platform = platform();
        platform.put("jdbcUrl", "jdbc:h2:mem:anything");

        assertThatThrownBy(() -> sql.execute(context("postgres", platform, Map.of("query", "select 1"))))
                .isInstanceOf(InvalidParametersException.class)
                .hasMessageContaining("jdbc:postgresql:");
    }
}
