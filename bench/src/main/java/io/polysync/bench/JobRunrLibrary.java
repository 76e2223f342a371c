package io.polysync.bench;

import com.zaxxer.hikari.HikariDataSource;
import org.jobrunr.configuration.JobRunr;
import org.jobrunr.configuration.JobRunrConfiguration.JobRunrConfigurationResult;
import org.jobrunr.jobs.lambdas.JobRequest;
import org.jobrunr.jobs.lambdas.JobRequestHandler;
import org.jobrunr.server.BackgroundJobServerConfiguration;
import org.jobrunr.storage.sql.postgres.PostgresStorageProvider;

import java.time.Duration;

/**
 * JobRunr 8.7.0 (open source) on its PostgreSQL storage provider, which creates its own tables; one background job
 * server in the same JVM. Jobs are JobRequests (no lambda to analyse at enqueue); a succeeded job stays in
 * jobrunr_jobs in state SUCCEEDED.
 */
final class JobRunrLibrary implements Library {

    /** How often the server looks for enqueued work when no worker has freed up meanwhile (JobRunr's default: 15 s). */
    private static final Duration POLL_INTERVAL = Duration.ofSeconds(5);

    /** The no-op job: its submitted index. */
    public record Noop(int index) implements JobRequest {

        @Override
        public Class<NoopHandler> getJobRequestHandler() {
            return NoopHandler.class;
        }
    }

    /** Instantiated by JobRunr for every job it runs. */
    public static final class NoopHandler implements JobRequestHandler<Noop> {

        @Override
        public void run(Noop job) {
            Completions.record(job.index());
        }
    }

    @Override
    public String name() {
        return "jobrunr";
    }

    @Override
    public String describe(int workers, int submitters) {
        return String.join("\n",
                "- library: org.jobrunr:jobrunr 8.7.0, PostgresStorageProvider (creates its tables), HikariCP pool of "
                        + (workers + submitters + 2) + " connections, its JSON mapper found on the classpath "
                        + "(Jackson), no dashboard",
                "- background job server: usingStandardBackgroundJobServerConfiguration().andWorkerCount(" + workers
                        + ").andPollInterval(" + POLL_INTERVAL.toSeconds() + " s); the rest at JobRunr's defaults",
                "- job: a JobRequest Noop(index) handled by NoopHandler",
                "- submission: jobRequestScheduler.enqueue(new Noop(i)) from " + submitters + " threads");
    }

    @Override
    public Running start(String jdbcUrl, int workers, int submitters) {
        HikariDataSource pool = Library.pool(jdbcUrl, workers + submitters + 2, "jobrunr");
        JobRunrConfigurationResult jobRunr = JobRunr.configure()
                .useStorageProvider(new PostgresStorageProvider(pool))
                .useBackgroundJobServer(BackgroundJobServerConfiguration.usingStandardBackgroundJobServerConfiguration()
                        .andWorkerCount(workers).andPollInterval(POLL_INTERVAL))
                .initialize();
        return new Running() {
            @Override
            public void submit(int index) {
                jobRunr.getJobRequestScheduler().enqueue(new Noop(index));
            }

            @Override
            public long pending() throws Exception {
                return Library.count(jdbcUrl, "SELECT count(*) FROM jobrunr_jobs WHERE state <> 'SUCCEEDED'");
            }

            @Override
            public void close() {
                JobRunr.destroy();
                pool.close();
            }
        };
    }
}
