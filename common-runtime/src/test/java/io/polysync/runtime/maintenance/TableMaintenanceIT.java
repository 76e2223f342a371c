package io.polysync.runtime.maintenance;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.polysync.runtime.testing.TestDatabase;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.jdbc.core.ConnectionCallback;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.jdbc.datasource.DriverManagerDataSource;

import java.sql.Statement;
import java.time.Duration;
import java.util.Properties;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assumptions.assumeThat;
import static org.awaitility.Awaitility.await;

class TableMaintenanceIT {

    private final String schema = TestDatabase.freshSchema("maintenance");
    private final SimpleMeterRegistry meters = new SimpleMeterRegistry();
    private JdbcTemplate admin;
    private JdbcTemplate jdbc;
    private TableMaintenance maintenance;

    @BeforeEach
    void schemaWithATable() {
        TestDatabase.Connection db = TestDatabase.get();
        admin = new JdbcTemplate(new DriverManagerDataSource(db.url(), db.username(), db.password()));
        admin.execute("CREATE SCHEMA " + schema);
        admin.execute("CREATE TABLE " + schema + ".churn (id BIGINT PRIMARY KEY, payload TEXT)");
        admin.execute("CREATE TABLE " + schema + ".quiet (id BIGINT PRIMARY KEY)");
        Properties connection = new Properties();
        connection.setProperty("user", db.username());
        connection.setProperty("password", db.password());
        connection.setProperty("currentSchema", schema);
        DriverManagerDataSource source = new DriverManagerDataSource(db.url());
        source.setConnectionProperties(connection);
        jdbc = new JdbcTemplate(source);
        maintenance = new TableMaintenance(jdbc, Duration.ofSeconds(15), meters);
    }

    @AfterEach
    void dropSchema() {
        admin.execute("DROP SCHEMA " + schema + " CASCADE");
    }

    @Test
    void vacuumsAndAnalyzesAChurnedTableOfItsSchemaOnlyWhileAutovacuumIsOff() {
        assumeThat(admin.queryForObject("SELECT current_setting('autovacuum')", String.class))
                .as("the database maintains its tables itself").isEqualTo("off");
        // one transaction, so that its counters reach the statistics together and one round sees them all
        jdbc.execute((ConnectionCallback<Void>) connection -> {
            connection.setAutoCommit(false);
            try (Statement statement = connection.createStatement()) {
                statement.execute("INSERT INTO churn SELECT g, repeat('x', 100) FROM generate_series(1, 2000) g");
                statement.execute("DELETE FROM churn WHERE id > 100");
            }
            connection.commit();
            return null;
        });

        // the counters reach pg_stat_user_tables up to a few seconds after the commit
        await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> {
            maintenance.maintain();
            assertThat(counts("churn")).containsExactly(1L, 1L);
        });
        assertThat(admin.queryForObject("SELECT reltuples FROM pg_class WHERE oid = ?::regclass", Float.class,
                schema + ".churn")).isEqualTo(100f);
        assertThat(counts("quiet")).containsExactly(0L, 0L);
        assertThat(meters.get("polysync.table.maintenance").tag("operation", "vacuum").counter().count())
                .isEqualTo(1);

        maintenance.maintain();
        assertThat(counts("churn")).as("nothing changed since: nothing to do").containsExactly(1L, 1L);
    }

    /** vacuum_count and analyze_count of a table of the schema. */
    private Long[] counts(String table) {
        return admin.queryForObject("""
                        SELECT vacuum_count, analyze_count FROM pg_stat_user_tables
                        WHERE schemaname = ? AND relname = ?""",
                (rs, row) -> new Long[] {rs.getLong(1), rs.getLong(2)}, schema, table);
    }
}
