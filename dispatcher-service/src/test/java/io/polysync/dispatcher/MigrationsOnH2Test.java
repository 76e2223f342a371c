package io.polysync.dispatcher;

import org.flywaydb.core.Flyway;
import org.junit.jupiter.api.Test;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;

import static org.assertj.core.api.Assertions.assertThat;

/** The standalone mode runs on an H2 file database in PostgreSQL mode: the same migrations must apply there. */
class MigrationsOnH2Test {

    private static final String URL = "jdbc:h2:mem:dispatcher_migrations;MODE=PostgreSQL;DATABASE_TO_LOWER=TRUE;"
            + "DEFAULT_NULL_ORDERING=HIGH;DB_CLOSE_DELAY=-1";

    @Test
    void migrationsApplyOnH2InPostgresMode() throws Exception {
        Flyway.configure()
                .dataSource(URL, "sa", "")
                .schemas("dispatcher")
                .locations("classpath:db/migration/dispatcher", "classpath:db/migration/outbox")
                .load()
                .migrate();

        try (Connection connection = DriverManager.getConnection(URL, "sa", "");
             Statement statement = connection.createStatement()) {
            statement.execute("SET SCHEMA dispatcher");
            statement.execute("INSERT INTO task_run (run_id, trigger_id, task_id, task_name, trigger_type, attempt,"
                    + " definition_version, priority, parameters, state, queued_at, version) VALUES"
                    + " (RANDOM_UUID(), RANDOM_UUID(), RANDOM_UUID(), 't', 'MANUAL', 1, 1, 50, '{}', 'QUEUED',"
                    + " CURRENT_TIMESTAMP, 0)");
            statement.execute("INSERT INTO status_history (run_id, kind, state, reason, at)"
                    + " SELECT run_id, 'TRANSITION', 'QUEUED', 'queued', CURRENT_TIMESTAMP FROM task_run");
            try (ResultSet rows = statement.executeQuery(
                    "SELECT state FROM task_run FETCH FIRST 1 ROWS ONLY FOR UPDATE SKIP LOCKED")) {
                assertThat(rows.next()).isTrue();
                assertThat(rows.getString(1)).isEqualTo("QUEUED");
            }
        }
    }
}
