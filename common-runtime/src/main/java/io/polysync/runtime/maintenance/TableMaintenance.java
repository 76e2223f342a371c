package io.polysync.runtime.maintenance;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.polysync.runtime.PeriodicTimer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.context.SmartLifecycle;
import org.springframework.dao.DataAccessException;
import org.springframework.jdbc.core.ConnectionCallback;
import org.springframework.jdbc.core.JdbcTemplate;

import java.sql.Statement;
import java.time.Duration;
import java.util.List;

/**
 * Vacuums and analyzes this service's tables itself when PostgreSQL's autovacuum is off, with autovacuum's default
 * thresholds; does nothing while it is on, and nothing on other databases.
 *
 * <p>Why a service cares: its tables start empty and grow by thousands of rows a minute. Without ANALYZE the
 * planner works from the statistics of an empty table, and the JDBC driver's server-side prepared statements keep
 * the plans made from them: a lookup of 500 trigger ids by their unique index took about 1 s per poll with 56,000
 * runs in the ledger, and was fast again right after one ANALYZE. Without VACUUM the outbox, where every row is
 * inserted and deleted within moments, fills with dead rows that every sweep and backlog count reads again.
 */
public class TableMaintenance implements SmartLifecycle {

    private static final Logger log = LoggerFactory.getLogger(TableMaintenance.class);

    /** autovacuum_vacuum_threshold, autovacuum_vacuum_scale_factor: dead rows that call for a VACUUM. */
    static final long VACUUM_THRESHOLD = 50;
    static final double VACUUM_SCALE = 0.2;
    /** autovacuum_vacuum_insert_threshold and its scale factor: inserted rows that call for a VACUUM. */
    static final long INSERT_THRESHOLD = 1_000;
    static final double INSERT_SCALE = 0.2;
    /** autovacuum_analyze_threshold, autovacuum_analyze_scale_factor: changed rows that call for an ANALYZE. */
    static final long ANALYZE_THRESHOLD = 50;
    static final double ANALYZE_SCALE = 0.1;
    /** autovacuum_vacuum_cost_delay: the pause after each vacuum_cost_limit worth of page work. */
    static final int COST_DELAY_MILLIS = 2;

    private final JdbcTemplate jdbc;
    private final Duration interval;
    private final Counter vacuums;
    private final Counter analyzes;
    private final PeriodicTimer timer = new PeriodicTimer("table-maintenance", this::maintain);
    /** Whether the last round found autovacuum off, so that the change is logged once, not every round. */
    private volatile boolean maintaining;

    public TableMaintenance(JdbcTemplate jdbc, Duration interval, MeterRegistry meters) {
        this.jdbc = jdbc;
        this.interval = interval;
        this.vacuums = Counter.builder("polysync.table.maintenance")
                .tag("operation", "vacuum")
                .description("VACUUMs this service ran on its tables because the database's autovacuum is off")
                .register(meters);
        this.analyzes = Counter.builder("polysync.table.maintenance")
                .tag("operation", "analyze")
                .description("ANALYZEs this service ran on its tables because the database's autovacuum is off")
                .register(meters);
    }

    /** A table of this service's schema and its activity counters since its last VACUUM and ANALYZE. */
    record TableActivity(String schema, String table, long liveRows, long deadRows, long insertedSinceVacuum,
                         long modifiedSinceAnalyze) {

        boolean needsVacuum() {
            return deadRows > VACUUM_THRESHOLD + VACUUM_SCALE * liveRows
                    || insertedSinceVacuum > INSERT_THRESHOLD + INSERT_SCALE * liveRows;
        }

        boolean needsAnalyze() {
            return modifiedSinceAnalyze > ANALYZE_THRESHOLD + ANALYZE_SCALE * liveRows;
        }

        String qualifiedName() {
            return quote(schema) + "." + quote(table);
        }

        private static String quote(String identifier) {
            return '"' + identifier.replace("\"", "\"\"") + '"';
        }
    }

    /** One round: vacuums and analyzes the tables past the thresholds, if autovacuum is off. The timer calls it. */
    public void maintain() {
        if (!autovacuumOff()) {
            if (maintaining) {
                log.info("autovacuum is on again: the database maintains the tables of schema {}", schema());
            }
            maintaining = false;
            return;
        }
        if (!maintaining) {
            log.info("autovacuum is off on this database: this service vacuums and analyzes the tables of schema {} "
                    + "itself, checking every {}", schema(), interval);
            maintaining = true;
        }
        for (TableActivity table : activity()) {
            maintain(table);
        }
    }

    private void maintain(TableActivity table) {
        boolean vacuum = table.needsVacuum();
        String operation;
        // SKIP_LOCKED: a table another replica of this service is vacuuming, or one a migration holds, is left to
        // the next round instead of blocking this thread behind that lock
        if (vacuum) {
            operation = "VACUUM (ANALYZE, SKIP_LOCKED) ";
        } else if (table.needsAnalyze()) {
            operation = "ANALYZE (SKIP_LOCKED) ";
        } else {
            return;
        }
        try {
            jdbc.execute((ConnectionCallback<Void>) connection -> {
                // outside any transaction (VACUUM refuses to run in one): the pool's connections auto-commit, and the
                // timer's thread has none open
                try (Statement statement = connection.createStatement()) {
                    // throttled as autovacuum is: unthrottled, a VACUUM of the ledger (1.4 s) competed for the disk
                    // with the commits of the hot path
                    statement.execute("SET vacuum_cost_delay = '" + COST_DELAY_MILLIS + "ms'");
                    try {
                        statement.execute(operation + table.qualifiedName());
                    } finally {
                        statement.execute("RESET vacuum_cost_delay");
                    }
                }
                return null;
            });
            analyzes.increment();
            if (vacuum) {
                vacuums.increment();
            }
            log.debug("{}{}: {} live, {} dead, {} inserted since vacuum, {} changed since analyze", operation,
                    table.qualifiedName(), table.liveRows(), table.deadRows(), table.insertedSinceVacuum(),
                    table.modifiedSinceAnalyze());
        } catch (DataAccessException e) {
            // e.g. the table was dropped since the statistics were read; the next round sees the schema anew
            log.debug("{}{} failed: {}", operation, table.qualifiedName(), e.toString());
        }
    }

    private List<TableActivity> activity() {
        return jdbc.query("""
                        SELECT schemaname, relname, n_live_tup, n_dead_tup, n_ins_since_vacuum, n_mod_since_analyze
                        FROM pg_stat_user_tables WHERE schemaname = current_schema()""",
                (rs, row) -> new TableActivity(rs.getString(1), rs.getString(2), rs.getLong(3), rs.getLong(4),
                        rs.getLong(5), rs.getLong(6)));
    }

    private boolean autovacuumOff() {
        return Boolean.TRUE.equals(jdbc.execute((ConnectionCallback<Boolean>) connection -> {
            if (!"PostgreSQL".equals(connection.getMetaData().getDatabaseProductName())) {
                return false;
            }
            try (var statement = connection.createStatement();
                 var rs = statement.executeQuery("SELECT current_setting('autovacuum') = 'off'")) {
                return rs.next() && rs.getBoolean(1);
            }
        }));
    }

    private String schema() {
        return jdbc.queryForObject("SELECT current_schema()", String.class);
    }

    @Override
    public void start() {
        timer.start(interval, interval);
    }

    @Override
    public void stop() {
        timer.stop();
    }

    @Override
    public boolean isRunning() {
        return timer.isRunning();
    }
}
