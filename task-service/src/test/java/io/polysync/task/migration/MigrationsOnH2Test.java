package io.polysync.task.migration;

import org.flywaydb.core.Flyway;
import org.junit.jupiter.api.Test;
import org.springframework.dao.DuplicateKeyException;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.jdbc.datasource.DriverManagerDataSource;

import java.util.UUID;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The standalone mode runs these migrations on an H2 file database in PostgreSQL mode. */
class MigrationsOnH2Test {

    @Test
    void runOnH2InPostgresModeWithOneTransitionPerStateAndRepeatableNotes() {
        DriverManagerDataSource ds = new DriverManagerDataSource(
                "jdbc:h2:mem:task_" + UUID.randomUUID() + ";MODE=PostgreSQL;DATABASE_TO_LOWER=TRUE;DB_CLOSE_DELAY=-1",
                "sa", "");
        Flyway.configure().dataSource(ds).schemas("task")
                .locations("classpath:db/migration/task", "classpath:db/migration/outbox").load().migrate();

        JdbcTemplate jdbc = new JdbcTemplate(ds);
        UUID run = UUID.randomUUID();
        jdbc.update("INSERT INTO task.task_run (run_id, task_id, task_name, state, trigger_type, attempt, queued_at,"
                + " outputs, definition_version, updated_at, row_version) VALUES (?, ?, 't', 'QUEUED', 'MANUAL', 1,"
                + " CURRENT_TIMESTAMP, '{}', 1, CURRENT_TIMESTAMP, 0)", run, UUID.randomUUID());
        String history = "INSERT INTO task.task_run_history (run_id, kind, state, occurred_at, reason)"
                + " VALUES (?, ?, ?, CURRENT_TIMESTAMP, 'r')";
        jdbc.update(history, run, "TRANSITION", "QUEUED");
        jdbc.update(history, run, "WAITING", null);
        jdbc.update(history, run, "WAITING", null);

        assertThatThrownBy(() -> jdbc.update(history, run, "TRANSITION", "QUEUED"))
                .isInstanceOf(DuplicateKeyException.class);
        assertThat(jdbc.queryForObject("SELECT COUNT(*) FROM task.task_run_history", Integer.class)).isEqualTo(3);
    }
}
