package io.polysync.bench;

import org.quartz.Job;
import org.quartz.JobBuilder;
import org.quartz.JobExecutionContext;
import org.quartz.Scheduler;
import org.quartz.TriggerBuilder;
import org.quartz.impl.StdSchedulerFactory;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.Statement;
import java.util.Properties;

/**
 * Quartz 2.5.2 with its JDBC store (JobStoreTX, PostgreSQLDelegate, not clustered): one non-durable job with a
 * fire-now simple trigger per submitted index. The scheduler thread acquires up to one trigger per worker thread in
 * one locked transaction; a fired trigger with no next fire time is deleted, and its non-durable job with it.
 */
final class QuartzLibrary implements Library {

    private static final String DDL = "org/quartz/impl/jdbcjobstore/tables_postgres.sql";

    /** The no-op: records its index. Quartz instantiates it for every fire. */
    public static final class NoopJob implements Job {

        @Override
        public void execute(JobExecutionContext context) {
            Completions.record(context.getMergedJobDataMap().getInt("i"));
        }
    }

    @Override
    public String name() {
        return "quartz";
    }

    static Properties properties(String jdbcUrl, int workers, int submitters) {
        Properties p = new Properties();
        p.setProperty("org.quartz.scheduler.instanceName", "bench");
        p.setProperty("org.quartz.scheduler.skipUpdateCheck", "true");
        p.setProperty("org.quartz.threadPool.class", "org.quartz.simpl.SimpleThreadPool");
        p.setProperty("org.quartz.threadPool.threadCount", Integer.toString(workers));
        // acquire as many triggers per locked transaction as there are threads to run them
        p.setProperty("org.quartz.scheduler.batchTriggerAcquisitionMaxCount", Integer.toString(workers));
        p.setProperty("org.quartz.jobStore.acquireTriggersWithinLock", "true");
        p.setProperty("org.quartz.jobStore.class", "org.quartz.impl.jdbcjobstore.JobStoreTX");
        p.setProperty("org.quartz.jobStore.driverDelegateClass", "org.quartz.impl.jdbcjobstore.PostgreSQLDelegate");
        p.setProperty("org.quartz.jobStore.tablePrefix", "QRTZ_");
        p.setProperty("org.quartz.jobStore.dataSource", "bench");
        p.setProperty("org.quartz.dataSource.bench.provider", "hikaricp");
        p.setProperty("org.quartz.dataSource.bench.driver", "org.postgresql.Driver");
        p.setProperty("org.quartz.dataSource.bench.URL", jdbcUrl);
        p.setProperty("org.quartz.dataSource.bench.user", "postgres");
        p.setProperty("org.quartz.dataSource.bench.password", "");
        p.setProperty("org.quartz.dataSource.bench.maxConnections", Integer.toString(workers + submitters + 2));
        return p;
    }

    @Override
    public String describe(int workers, int submitters) {
        StringBuilder d = new StringBuilder("- library: org.quartz-scheduler:quartz 2.5.2, tables from the jar's "
                + DDL + "\n- properties (the rest at Quartz's defaults):");
        new java.util.TreeMap<>(properties("<bench database>", workers, submitters))
                .forEach((k, v) -> d.append("\n  - ").append(k).append('=').append(v));
        return d.append("\n- job: JobBuilder.newJob(NoopJob) with job data i = the submitted index, non-durable, no "
                        + "recovery requested; trigger: a simple trigger startNow() without repeat (misfire: fire now)")
                .append("\n- submission: scheduler.scheduleJob(job, trigger) from ").append(submitters)
                .append(" threads").toString();
    }

    @Override
    public Running start(String jdbcUrl, int workers, int submitters) throws Exception {
        createTables(jdbcUrl);
        StdSchedulerFactory factory = new StdSchedulerFactory(properties(jdbcUrl, workers, submitters));
        Scheduler scheduler = factory.getScheduler();
        scheduler.start();
        return new Running() {
            @Override
            public void submit(int index) throws Exception {
                scheduler.scheduleJob(
                        JobBuilder.newJob(NoopJob.class).withIdentity("noop-" + index).usingJobData("i", index).build(),
                        TriggerBuilder.newTrigger().withIdentity("noop-" + index).startNow().build());
            }

            @Override
            public long pending() throws Exception {
                return Library.count(jdbcUrl, "SELECT (SELECT count(*) FROM qrtz_triggers) "
                        + "+ (SELECT count(*) FROM qrtz_fired_triggers)");
            }

            @Override
            public void close() throws Exception {
                scheduler.shutdown(true);
            }
        };
    }

    /** Runs Quartz's own PostgreSQL script from its jar (comments dropped, one statement per semicolon). */
    private static void createTables(String jdbcUrl) throws Exception {
        String script;
        try (InputStream in = Scheduler.class.getClassLoader().getResourceAsStream(DDL)) {
            if (in == null) {
                throw new IOException(DDL + " is not in the quartz jar");
            }
            script = new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
        StringBuilder sql = new StringBuilder();
        for (String line : script.split("\n")) {
            if (!line.trim().startsWith("--")) {
                sql.append(line).append('\n');
            }
        }
        try (Connection c = DriverManager.getConnection(jdbcUrl, "postgres", "");
             Statement s = c.createStatement()) {
            for (String statement : sql.toString().split(";")) {
                String trimmed = statement.trim();
                if (!trimmed.isEmpty() && !trimmed.equalsIgnoreCase("commit")) {
                    s.execute(trimmed);
                }
            }
        }
    }
}
