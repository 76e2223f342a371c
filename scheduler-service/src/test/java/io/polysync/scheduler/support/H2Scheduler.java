package io.polysync.scheduler.support;

import org.flywaydb.core.Flyway;
import org.springframework.jdbc.datasource.DriverManagerDataSource;

import javax.sql.DataSource;

/**
 * The scheduler's schema on H2 in PostgreSQL mode, as the standalone jar runs it by default, for tests of SQL that
 * must work there as on PostgreSQL.
 */
public final class H2Scheduler {

    private H2Scheduler() {
    }

    /** The in-memory database {@code name} (kept for the JVM's life), migrated; connections use its schema. */
    public static DataSource migrated(String name) {
        String url = "jdbc:h2:mem:" + name + ";MODE=PostgreSQL;DATABASE_TO_LOWER=TRUE;DEFAULT_NULL_ORDERING=HIGH;"
                + "DB_CLOSE_DELAY=-1";
        Flyway.configure().dataSource(url, "sa", "").schemas("scheduler")
                .locations("classpath:db/migration/scheduler", "classpath:db/migration/outbox")
                .load().migrate();
        return new DriverManagerDataSource(url + ";SCHEMA=scheduler", "sa", "");
    }
}
