package io.polysync.worker.execution;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.polysync.model.event.RunCancelled;
import io.polysync.model.event.RunDispatched;
import io.polysync.model.event.RunFailed;
import io.polysync.model.event.RunHeartbeat;
import io.polysync.model.event.RunStarted;
import io.polysync.model.event.RunSucceeded;
import io.polysync.model.event.WorkerReport;
import io.polysync.model.jobtype.JobTypeCatalog;
import io.polysync.model.run.FailureReason;
import io.polysync.model.run.TriggerType;
import io.polysync.model.task.PlatformSnapshot;
import io.polysync.worker.config.WorkerProperties;
import io.polysync.worker.vault.ParameterResolver;
import io.polysync.worker.vault.SecretNotFoundException;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import static org.assertj.core.api.Assertions.assertThat;

/** Runs stopped from outside while they execute, or before they are taken: cancel and shutdown. */
class RunExecutionStopTest {

    private static final String WORKER = "worker-stop-test";

    private final List<WorkerReport> reports = new CopyOnWriteArrayList<>();
    private final Blocking noop = new Blocking();
    private final RunExecution execution = new RunExecution(
            new JobExecutorRegistry(List.of(noop, new Blocking(JobTypeCatalog.HTTP_REQUEST),
                    new Blocking(JobTypeCatalog.SHELL_COMMAND), new Blocking(JobTypeCatalog.SQL_QUERY),
                    new Blocking(JobTypeCatalog.KAFKA_PUBLISH)), JobTypeCatalog.builtIn()),
            JobTypeCatalog.builtIn(), new Recording(reports),
            new WorkerProperties(WORKER, 2, Duration.ofSeconds(10), Duration.ofSeconds(5),
                    new WorkerProperties.Shell(Duration.ofMillis(100)), new WorkerProperties.Http(Duration.ofSeconds(5), null),
                    null, null, 0.1, Duration.ofSeconds(1), 1),
            Clock.systemUTC(), new SimpleMeterRegistry(), new ParameterResolver(reference -> {
                throw new SecretNotFoundException(reference);
            }));

    @AfterEach
    void close() {
        execution.close();
    }

    @Test
    void cancellingARunningRunInterruptsItsJobAndReportsCancelledInsteadOfAnOutcome() throws Exception {
        RunDispatched run = run();
        CompletableFuture<Void> executing = executeInBackground(run);
        assertThat(noop.started.await(5, TimeUnit.SECONDS)).isTrue();

        assertThat(execution.cancel(run.runId())).isTrue();

        executing.get(5, TimeUnit.SECONDS);
        assertThat(noop.interrupted).isTrue();
        assertThat(reports).hasSize(2);
        assertThat(reports.get(0)).isInstanceOf(RunStarted.class);
        assertThat(reports.get(1)).isInstanceOfSatisfying(RunCancelled.class, cancelled -> {
            assertThat(cancelled.runId()).isEqualTo(run.runId());
            assertThat(cancelled.taskId()).isEqualTo(run.taskId());
            assertThat(cancelled.workerId()).isEqualTo(WORKER);
            assertThat(cancelled.reason()).isEqualTo("cancelled on request");
        });
    }

    @Test
    void aRunCancelledBeforeItIsTakenIsSkippedAndReportedCancelled() throws Exception {
        RunDispatched run = run();

        assertThat(execution.cancel(run.runId())).isFalse();
        execution.execute(run);

        assertThat(noop.calls).hasValue(0);
        assertThat(reports).singleElement().isInstanceOfSatisfying(RunCancelled.class, cancelled ->
                assertThat(cancelled.runId()).isEqualTo(run.runId()));
    }

    @Test
    void interruptingAllForShutdownReportsEachRunningRunFailedAsRetryableWorkerShutdown() throws Exception {
        RunDispatched run = run();
        CompletableFuture<Void> executing = executeInBackground(run);
        assertThat(noop.started.await(5, TimeUnit.SECONDS)).isTrue();

        assertThat(execution.interruptAll()).isEqualTo(1);

        executing.get(5, TimeUnit.SECONDS);
        assertThat(noop.interrupted).isTrue();
        assertThat(reports.get(reports.size() - 1)).isInstanceOfSatisfying(RunFailed.class, failed -> {
            assertThat(failed.error().reason()).isEqualTo(FailureReason.WORKER_SHUTDOWN);
            assertThat(failed.error().retryable()).isTrue();
        });
    }

    @Test
    void aCancelAfterTheOutcomeChangesNothing() throws Exception {
        noop.blocking = false;
        RunDispatched run = run();
        execution.execute(run);

        assertThat(execution.cancel(run.runId())).isFalse();

        assertThat(reports).hasSize(2).last().isInstanceOf(RunSucceeded.class);
        assertThat(reports).noneMatch(report -> report instanceof RunCancelled || report instanceof RunHeartbeat);
    }

    private CompletableFuture<Void> executeInBackground(RunDispatched run) {
        return CompletableFuture.runAsync(() -> {
            try {
                execution.execute(run);
            } catch (InterruptedException e) {
                throw new IllegalStateException(e);
            }
        });
    }

    private static RunDispatched run() {
        return new RunDispatched(UUID.randomUUID(), UUID.randomUUID(), "stoppable", 1, TriggerType.MANUAL,
                JobTypeCatalog.NOOP, new PlatformSnapshot(UUID.randomUUID(), "none", "http", Map.of()), Map.of(),
                null, 50, 1, Instant.now());
    }

    /** Sleeps until interrupted (or succeeds at once when not blocking), recording what happened. */
    private static final class Blocking implements JobExecutor {

        private final String jobType;
        final CountDownLatch started = new CountDownLatch(1);
        final AtomicInteger calls = new AtomicInteger();
        volatile boolean blocking = true;
        volatile boolean interrupted;

        Blocking() {
            this(JobTypeCatalog.NOOP);
        }

        Blocking(String jobType) {
            this.jobType = jobType;
        }

        @Override
        public String jobType() {
            return jobType;
        }

        @Override
        public JobResult execute(JobContext context) throws InterruptedException {
            calls.incrementAndGet();
            started.countDown();
            if (blocking) {
                try {
                    Thread.sleep(30_000);
                } catch (InterruptedException e) {
                    interrupted = true;
                    throw e;
                }
            }
            return JobResult.success(Map.of());
        }
    }

    private record Recording(List<WorkerReport> reports) implements RunReporter {

        @Override
        public void report(WorkerReport report) {
            reports.add(report);
        }

        @Override
        public CompletableFuture<Void> send(WorkerReport report) {
            reports.add(report);
            return CompletableFuture.completedFuture(null);
        }

        @Override
        public void reportLater(WorkerReport report) {
            reports.add(report);
        }
    }
}
