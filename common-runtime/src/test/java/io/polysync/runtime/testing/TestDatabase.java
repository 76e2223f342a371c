package io.polysync.runtime.testing;

import org.testcontainers.DockerClientFactory;
import org.testcontainers.postgresql.PostgreSQLContainer;

import java.util.Locale;
import java.util.UUID;

/**
 * The PostgreSQL that integration tests run against: {@code POLYSYNC_TEST_DB_URL} (environment or system property)
 * when given, else a Testcontainers PostgreSQL when a Docker engine is reachable, else a failure that says how to
 * provide one. One per JVM; each test gets a schema of its own through {@link #freshSchema(String)}.
 */
public final class TestDatabase {

    public static final String URL_VARIABLE = "POLYSYNC_TEST_DB_URL";

    private static volatile Connection connection;

    private TestDatabase() {
    }

    /** JDBC URL, user and password of the test database. */
    public record Connection(String url, String username, String password) {
    }

    public static Connection get() {
        Connection c = connection;
        if (c == null) {
            synchronized (TestDatabase.class) {
                if (connection == null) {
                    connection = locate();
                }
                c = connection;
            }
        }
        return c;
    }

    /** A schema name no other test uses, e.g. {@code dispatcher_3f2a9c}; services create it through Flyway. */
    public static String freshSchema(String prefix) {
        return (prefix + "_" + UUID.randomUUID().toString().substring(0, 8)).toLowerCase(Locale.ROOT);
    }

    private static Connection locate() {
        String url = System.getProperty(URL_VARIABLE, System.getenv(URL_VARIABLE));
        if (url != null && !url.isBlank()) {
            String user = System.getProperty("POLYSYNC_TEST_DB_USER",
                    System.getenv().getOrDefault("POLYSYNC_TEST_DB_USER", "postgres"));
            String password = System.getProperty("POLYSYNC_TEST_DB_PASSWORD",
                    System.getenv().getOrDefault("POLYSYNC_TEST_DB_PASSWORD", ""));
            return new Connection(url, user, password);
        }
        if (DockerClientFactory.instance().isDockerAvailable()) {
            PostgreSQLContainer container = new PostgreSQLContainer("postgres:15-alpine");
            container.start();
            Runtime.getRuntime().addShutdownHook(new Thread(container::stop));
            return new Connection(container.getJdbcUrl(), container.getUsername(), container.getPassword());
        }
        throw new IllegalStateException("Integration tests need PostgreSQL: set " + URL_VARIABLE
                + " (e.g. jdbc:postgresql://127.0.0.1:5432/test, user from POLYSYNC_TEST_DB_USER, default postgres)"
                + " or make a Docker engine available for Testcontainers.");
    }
}
