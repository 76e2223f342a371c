package io.polysync.bench;

import java.util.List;

/**
 * A scheduling library the comparison modes run the throughput workload in: started inside the child JVM of
 * {@link LibraryRun} against its own fresh database, with its durable defaults and settings chosen for throughput on
 * two cores. Its no-op job calls {@link Completions#record} with the index it was submitted under.
 */
interface Library {

    List<String> NAMES = List.of("db-scheduler", "quartz", "jobrunr");

    /** The mode name: db-scheduler, quartz or jobrunr. */
    String name();

    /** The library, its version and every setting that differs from its defaults, as Markdown lines. */
    String describe(int workers, int submitters);

    /** Creates the library's tables in the empty database and starts its scheduler with {@code workers} threads. */
    Running start(String jdbcUrl, int workers, int submitters) throws Exception;

    /** A started scheduler. */
    interface Running extends AutoCloseable {

        /** Submits the one-time no-op job {@code index} to run now; answers once the library has accepted it. */
        void submit(int index) throws Exception;

        /** Submitted jobs the library's store does not yet hold as completed (read from its tables). */
        long pending() throws Exception;

        @Override
        void close() throws Exception;
    }

    static Library of(String name) {
        return switch (name) {
            case "db-scheduler" -> new DbSchedulerLibrary();
            case "quartz" -> new QuartzLibrary();
            case "jobrunr" -> new JobRunrLibrary();
            default -> throw new IllegalArgumentException("no library " + name + "; known: " + NAMES);
        };
    }

    /** A pool of {@code size} connections to the library's database, as each library's documentation pairs with it. */
    static com.zaxxer.hikari.HikariDataSource pool(String jdbcUrl, int size, String name) {
        com.zaxxer.hikari.HikariConfig config = new com.zaxxer.hikari.HikariConfig();
        config.setJdbcUrl(jdbcUrl);
        config.setUsername("postgres");
        config.setPassword("");
        config.setMaximumPoolSize(size);
        config.setPoolName(name);
        return new com.zaxxer.hikari.HikariDataSource(config);
    }

    /** One count from the library's tables on a short connection of its own (read only after the workload). */
    static long count(String jdbcUrl, String sql) throws java.sql.SQLException {
        try (java.sql.Connection c = java.sql.DriverManager.getConnection(jdbcUrl, "postgres", "");
             java.sql.Statement s = c.createStatement();
             java.sql.ResultSet rs = s.executeQuery(sql)) {
            rs.next();
            return rs.getLong(1);
        }
    }
}
