package io.polysync.worker.executor;

import io.polysync.model.jobtype.JobTypeCatalog;
import io.polysync.model.run.FailureReason;
import io.polysync.model.run.RunError;
import io.polysync.worker.execution.InvalidParametersException;
import io.polysync.worker.execution.JobContext;
import io.polysync.worker.execution.JobExecutor;
import io.polysync.worker.execution.JobResult;
import io.polysync.worker.execution.JobValues;

import java.math.BigDecimal;
import java.math.BigInteger;
import java.sql.Array;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.ResultSetMetaData;
import java.sql.SQLException;
import java.sql.Statement;
import java.sql.Types;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.FutureTask;

/**
 * Runs one SQL statement against a {@code postgres} platform ({@code jdbcUrl}, {@code username}, {@code password}),
 * on a connection of its own that is closed afterwards. {@code parameters} are bound to the {@code ?} placeholders
 * in order. Outputs {@code rowCount} (rows returned, or rows changed by an update) and {@code row} (the first row's
 * columns by label, null when there is none). A statement the database rejects fails for good; a connection that
 * cannot be made or is lost, a timeout, a deadlock or an overloaded server may be retried.
 *
 * <p>Only {@code jdbc:postgresql:} URLs are accepted, so a task cannot load another driver present on the worker's
 * classpath. The statement's timeout is its {@code timeoutSeconds}, never beyond the run's deadline. JDBC calls
 * do not notice interruption, so they run on a helper thread while the job's thread waits; when the job's thread
 * is interrupted (timeout, cancel, shutdown) the statement is cancelled on the server and the connection closed.
 */
public class SqlQueryExecutor implements JobExecutor {

    private static final String URL_PREFIX = "jdbc:postgresql:";
    private static final Duration CONNECT_TIMEOUT = Duration.ofSeconds(10);
    /** SQLSTATE classes worth a retry: connection, rollback (deadlock, serialization), resources, operator, system. */
    private static final Set<String> RETRYABLE_CLASSES = Set.of("08", "40", "53", "57", "58");

    @Override
    public String jobType() {
        return JobTypeCatalog.SQL_QUERY;
    }

    @Override
    public JobResult execute(JobContext context) throws InterruptedException {
        JobValues config = context.platformConfig();
        JobValues params = context.params();
        String url = config.requiredString("jdbcUrl");
        if (!url.startsWith(URL_PREFIX)) {
            throw new InvalidParametersException("platform config 'jdbcUrl' must start with " + URL_PREFIX);
        }
        String query = params.requiredString("query");
        List<Object> bindings = bindings(params);
        Integer timeout = timeoutSeconds(context, params);

        Properties properties = new Properties();
        config.string("username").ifPresent(user -> properties.setProperty("user", user));
        config.string("password").ifPresent(password -> properties.setProperty("password", password));
        properties.setProperty("connectTimeout", Long.toString(CONNECT_TIMEOUT.toSeconds()));
        properties.setProperty("loginTimeout", Long.toString(CONNECT_TIMEOUT.toSeconds()));
        // string parameters are sent untyped, so the server infers their type from the statement ("where id = ?")
        properties.setProperty("stringtype", "unspecified");
        properties.setProperty("ApplicationName", "polysync-worker");

        InFlight inFlight = new InFlight();
        FutureTask<JobResult> work = new FutureTask<>(() -> run(url, properties, query, bindings, timeout, inFlight));
        Thread helper = new Thread(work, "polysync-sql-" + context.runId());
        helper.setDaemon(true);
        helper.start();
        try {
            return work.get();
        } catch (InterruptedException e) {
            inFlight.abandon();
            throw e;
        } catch (ExecutionException e) {
            Throwable cause = e.getCause();
            if (cause instanceof RuntimeException runtime) {
                throw runtime;
            }
            throw new IllegalStateException(cause);
        }
    }

    private static JobResult run(String url, Properties properties, String query, List<Object> bindings,
                                 Integer timeout, InFlight inFlight) throws SQLException {
        Connection connection;
        try {
            connection = DriverManager.getConnection(url, properties);
        } catch (SQLException e) {
            boolean credentials = e.getSQLState() != null && e.getSQLState().startsWith("28");
            String message = "cannot connect to " + url + ": " + describe(e);
            return JobResult.failure(credentials ? RunError.nonRetryable(message)
                    : RunError.retryable(FailureReason.EXECUTION_FAILED, message));
        }
        if (!inFlight.connected(connection)) {
            connection.close();
            return JobResult.retryableFailure("abandoned before the statement was sent");
        }
        try (connection; PreparedStatement statement = connection.prepareStatement(query)) {
            inFlight.running(statement);
            if (timeout != null) {
                statement.setQueryTimeout(timeout);
            }
            for (int i = 0; i < bindings.size(); i++) {
                bind(statement, i + 1, bindings.get(i));
            }
            boolean hasRows = statement.execute();
            Map<String, Object> outputs = new LinkedHashMap<>();
            if (hasRows) {
                try (ResultSet rows = statement.getResultSet()) {
                    Map<String, Object> first = null;
                    long count = 0;
                    while (rows.next()) {
                        if (count == 0) {
                            first = row(rows);
                        }
                        count++;
                    }
                    outputs.put("rowCount", count);
                    outputs.put("row", first);
                }
            } else {
                outputs.put("rowCount", statement.getLargeUpdateCount());
                outputs.put("row", null);
            }
            return JobResult.success(outputs);
        } catch (SQLException e) {
            String state = e.getSQLState();
            boolean retryable = state == null || state.length() < 2 || RETRYABLE_CLASSES.contains(state.substring(0, 2));
            String message = "query failed: " + describe(e);
            return JobResult.failure(retryable ? RunError.retryable(FailureReason.EXECUTION_FAILED, message)
                    : RunError.nonRetryable(message));
        }
    }

    /**
     * What the helper thread holds, so that an interrupted job can stop it: the statement is cancelled on the
     * server and the connection closed; a connection made after that is closed unused.
     */
    private static final class InFlight {

        private Connection connection;
        private Statement statement;
        private boolean abandoned;

        /** @return false when the job was given up meanwhile: the connection must not be used */
        synchronized boolean connected(Connection made) {
            this.connection = made;
            return !abandoned;
        }

        synchronized void running(Statement prepared) {
            this.statement = prepared;
        }

        synchronized void abandon() {
            abandoned = true;
            try {
                if (statement != null) {
                    statement.cancel();
                }
            } catch (SQLException e) {
                // closing the connection below ends the statement too
            }
            try {
                if (connection != null) {
                    connection.close();
                }
            } catch (SQLException e) {
                // the connection is given up either way
            }
        }
    }

    private static List<Object> bindings(JobValues params) {
        Object raw = params.raw("parameters").orElse(List.of());
        if (!(raw instanceof List<?> list)) {
            throw new InvalidParametersException("parameter 'parameters' must be an array of scalars");
        }
        for (Object value : list) {
            if (value != null && !(value instanceof String || value instanceof Number || value instanceof Boolean)) {
                throw new InvalidParametersException("parameter 'parameters' must be an array of scalars"
                        + " (strings, numbers, booleans, null)");
            }
        }
        return new ArrayList<>(list);
    }

    /** The job's timeout, cut to what is left until the run's deadline; null when neither sets one. */
    private static Integer timeoutSeconds(JobContext context, JobValues params) {
        Long seconds = params.integer("timeoutSeconds").filter(s -> s > 0).orElse(null);
        if (context.deadline() != null) {
            long left = Math.max(1, Duration.between(Instant.now(), context.deadline()).toSeconds() + 1);
            seconds = seconds == null ? left : Math.min(seconds, left);
        }
        return seconds == null ? null : (int) Math.min(Integer.MAX_VALUE, seconds);
    }

    private static void bind(PreparedStatement statement, int index, Object value) throws SQLException {
        if (value == null) {
            statement.setNull(index, Types.NULL);
        } else if (value instanceof String text) {
            statement.setString(index, text);
        } else if (value instanceof Boolean flag) {
            statement.setBoolean(index, flag);
        } else if (value instanceof Integer || value instanceof Long || value instanceof Short || value instanceof Byte) {
            statement.setLong(index, ((Number) value).longValue());
        } else if (value instanceof BigInteger big) {
            statement.setBigDecimal(index, new BigDecimal(big));
        } else if (value instanceof BigDecimal decimal) {
            statement.setBigDecimal(index, decimal);
        } else {
            statement.setDouble(index, ((Number) value).doubleValue());
        }
    }

    private static Map<String, Object> row(ResultSet rows) throws SQLException {
        ResultSetMetaData meta = rows.getMetaData();
        Map<String, Object> row = new LinkedHashMap<>();
        for (int column = 1; column <= meta.getColumnCount(); column++) {
            row.put(meta.getColumnLabel(column), json(rows.getObject(column)));
        }
        return row;
    }

    /** A column value as a JSON value: numbers, booleans and strings as they are, anything else as its text. */
    private static Object json(Object value) throws SQLException {
        if (value == null || value instanceof String || value instanceof Boolean || value instanceof Integer
                || value instanceof Long || value instanceof Short || value instanceof BigDecimal
                || value instanceof Double || value instanceof Float) {
            return value;
        }
        if (value instanceof java.sql.Timestamp timestamp) {
            return timestamp.toInstant().toString();
        }
        if (value instanceof byte[] bytes) {
            return Base64.getEncoder().encodeToString(bytes);
        }
        if (value instanceof Array array) {
            Object[] items = (Object[]) array.getArray();
            List<Object> list = new ArrayList<>(items.length);
            for (Object item : items) {
                list.add(json(item));
            }
            return list;
        }
        return value.toString();
    }

    private static String describe(SQLException e) {
        String message = e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
        return e.getSQLState() == null ? message : message + " (SQLSTATE " + e.getSQLState() + ")";
    }
}
