package io.polysync.bench;

import com.github.kagkarlsson.scheduler.Scheduler;
import com.github.kagkarlsson.scheduler.task.helper.OneTimeTask;
import com.github.kagkarlsson.scheduler.task.helper.Tasks;
import com.zaxxer.hikari.HikariDataSource;

import java.sql.Connection;
import java.sql.Statement;
import java.time.Instant;

/**
 * db-scheduler 16.7.1: one one-time task "noop" whose instance id is the submitted index; lock-and-fetch polling
 * (PostgreSQL's select-for-update-skip-locked) and immediate execution, so a job scheduled for now wakes the poller.
 * A completed one-time execution is deleted from scheduled_tasks.
 */
final class DbSchedulerLibrary implements Library {

    /**
     * db-scheduler's documented PostgreSQL table for 16.x: the jar does not ship it (it lives in the project's test
     * resources and README), so it is written here.
     */
    private static final String[] SCHEMA = {
        "CREATE TABLE scheduled_tasks (task_name text NOT NULL, task_instance text NOT NULL, task_data bytea, "
                + "execution_time timestamp with time zone NOT NULL, picked boolean NOT NULL, picked_by text, "
                + "last_success timestamp with time zone, last_failure timestamp with time zone, "
                + "consecutive_failures int, last_heartbeat timestamp with time zone, version bigint NOT NULL, "
                + "priority smallint, PRIMARY KEY (task_name, task_instance))",
        "CREATE INDEX execution_time_idx ON scheduled_tasks (execution_time)",
        "CREATE INDEX last_heartbeat_idx ON scheduled_tasks (last_heartbeat)",
        "CREATE INDEX priority_execution_time_idx ON scheduled_tasks (priority DESC, execution_time ASC)"};

    /** db-scheduler's own defaults for lock-and-fetch: fetch when half the threads are free, up to one per thread. */
    private static final double LOWER_LIMIT = 0.5;
    private static final double UPPER_LIMIT = 1.0;

    @Override
    public String name() {
        return "db-scheduler";
    }

    @Override
    public String describe(int workers, int submitters) {
        return String.join("\n",
                "- library: com.github.kagkarlsson:db-scheduler 16.7.1, table scheduled_tasks (its documented "
                        + "PostgreSQL DDL), HikariCP pool of " + (workers + submitters + 2) + " connections",
                "- threads(" + workers + "), pollUsingLockAndFetch(" + LOWER_LIMIT + ", " + UPPER_LIMIT
                        + "), enableImmediateExecution(); polling interval, heartbeat and serializer at their defaults",
                "- job: Tasks.oneTime(\"noop\"), instance id = the submitted index, no data; completion = the "
                        + "default OnCompleteRemove (the row is deleted)",
                "- submission: scheduler.schedule(noop.instance(i), Instant.now()) from " + submitters + " threads");
    }

    @Override
    public Running start(String jdbcUrl, int workers, int submitters) throws Exception {
        HikariDataSource pool = Library.pool(jdbcUrl, workers + submitters + 2, "db-scheduler");
        try (Connection c = pool.getConnection(); Statement s = c.createStatement()) {
            for (String ddl : SCHEMA) {
                s.execute(ddl);
            }
        }
        OneTimeTask<Void> noop = Tasks.oneTime("noop")
                .execute((instance, context) -> Completions.record(Integer.parseInt(instance.getId())));
        Scheduler scheduler = Scheduler.create(pool, noop)
                .threads(workers)
                .pollUsingLockAndFetch(LOWER_LIMIT, UPPER_LIMIT)
                .enableImmediateExecution()
                .build();
        scheduler.start();
        return new Running() {
            @Override
            public void submit(int index) {
                scheduler.schedule(noop.instance(Integer.toString(index)), Instant.now());
            }

            @Override
            public long pending() throws Exception {
                return Library.count(jdbcUrl, "SELECT count(*) FROM scheduled_tasks");
            }

            @Override
            public void close() {
                scheduler.stop();
                pool.close();
            }
        };
    }
}
