package io.polysync.dispatcher.admission;

import io.polysync.runtime.testing.TestDatabase;
import org.flywaydb.core.Flyway;
import org.junit.jupiter.api.Test;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.jdbc.datasource.DataSourceTransactionManager;
import org.springframework.jdbc.datasource.DriverManagerDataSource;
import org.springframework.transaction.support.TransactionTemplate;

import javax.sql.DataSource;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.util.List;
import java.util.UUID;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * The admission locks on PostgreSQL, where replicas contend for them. Not on H2: there, another connection's
 * {@code FOR UPDATE NOWAIT} failed on a table lock even with the row lock missing, so it could not tell.
 */
class AdmissionGatesIT {

    @Test
    void aTaskLockedWithOthersStaysLockedUntilItsTransactionEnds() throws SQLException {
        DataSource dataSource = migrated();
        AdmissionGates gates = new AdmissionGates(new JdbcTemplate(dataSource));
        TransactionTemplate tx = new TransactionTemplate(new DataSourceTransactionManager(dataSource));
        UUID known = UUID.randomUUID();
        tx.executeWithoutResult(status -> gates.lockTask(known));

        try (Connection other = dataSource.getConnection()) {
            other.setAutoCommit(false);
            tx.executeWithoutResult(status -> {
                gates.lockTasks(List.of(UUID.randomUUID(), known));
                assertThatThrownBy(() -> lockWithoutWaiting(other, known)).isInstanceOf(SQLException.class)
                        .extracting(e -> ((SQLException) e).getSQLState()).isEqualTo("55P03");
                rollback(other);
            });
            assertThat(lockWithoutWaiting(other, known)).isTrue();
            other.rollback();
        }
    }

    private static boolean lockWithoutWaiting(Connection connection, UUID taskId) throws SQLException {
        try (PreparedStatement select = connection.prepareStatement(
                "SELECT task_id FROM admission_task WHERE task_id = ? FOR UPDATE NOWAIT")) {
            select.setObject(1, taskId);
            return select.executeQuery().next();
        }
    }

    private static void rollback(Connection connection) {
        try {
            connection.rollback();
        } catch (SQLException e) {
            throw new IllegalStateException(e);
        }
    }

    private static DataSource migrated() {
        TestDatabase.Connection db = TestDatabase.get();
        String schema = TestDatabase.freshSchema("dispatcher_gates");
        Flyway.configure().dataSource(db.url(), db.username(), db.password()).schemas(schema)
                .locations("classpath:db/migration/dispatcher", "classpath:db/migration/outbox").load().migrate();
        DriverManagerDataSource dataSource = new DriverManagerDataSource(db.url(), db.username(), db.password());
        dataSource.setSchema(schema);
        return dataSource;
    }
}
