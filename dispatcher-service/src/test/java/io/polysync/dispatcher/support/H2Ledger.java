package io.polysync.dispatcher.support;

import org.flywaydb.core.Flyway;
import org.springframework.jdbc.datasource.DriverManagerDataSource;

import javax.sql.DataSource;

/**
 * An in-memory H2 database in PostgreSQL mode with the dispatcher's schema migrated, as the standalone jar runs it by
 * default: for tests of the dispatcher's own SQL on H2.
 */
public final class H2Ledger {

    private H2Ledger() {
    }

    /** The database {@code name} (kept for the JVM's life), migrated. */
    public static DataSource migrated(String name) {
        DriverManagerDataSource dataSource = new DriverManagerDataSource("jdbc:h2:mem:" + name
                + ";MODE=PostgreSQL;DATABASE_TO_LOWER=TRUE;DEFAULT_NULL_ORDERING=HIGH;DB_CLOSE_DELAY=-1"
                + ";INIT=CREATE SCHEMA IF NOT EXISTS dispatcher\\;SET SCHEMA dispatcher", "sa", "");
        Flyway.configure().dataSource(dataSource).schemas("dispatcher")
                .locations("classpath:db/migration/dispatcher", "classpath:db/migration/outbox").load().migrate();
        return dataSource;
    }
}
