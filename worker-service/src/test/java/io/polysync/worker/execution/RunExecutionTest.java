package io.polysync.worker.execution;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.polysync.model.event.RunDispatched;
import io.polysync.model.event.RunFailed;
import io.polysync.model.event.RunHeartbeat;
import io.polysync.model.event.RunStarted;
import io.polysync.model.event.RunSucceeded;
import io.polysync.model.event.WorkerReport;
import io.polysync.model.jobtype.JobTypeCatalog;
import io.polysync.model.run.FailureReason;
import io.polysync.model.run.RunError;
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
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

class RunExecutionTest {

    private static final String WORKER = "worker-test";

    private final RecordingReporter reporter = new RecordingReporter();
    private final Scripted noop = new Scripted(JobTypeCatalog.NOOP);
    private final Scripted http = new Scripted(JobTypeCatalog.HTTP_REQUEST);
    private final SimpleMeterRegistry meters = new SimpleMeterRegistry();
    private final RunExecution execution = new RunExecution(
            new JobExecutorRegistry(List.of(noop, http, new Scripted(JobTypeCatalog.SHELL_COMMAND),
                    new Scripted(JobTypeCatalog.SQL_QUERY), new Scripted(JobTypeCatalog.KAFKA_PUBLISH)),
                    JobTypeCatalog.builtIn()),
            JobTypeCatalog.builtIn(), reporter,
            new WorkerProperties(WORKER, 2, Duration.ofMillis(100), Duration.ofSeconds(5),
                    new WorkerProperties.Shell(Duration.ofMillis(100)), new WorkerProperties.Http(Duration.ofSeconds(5), null),
                    null, null, 0.1, Duration.ofSeconds(1), 1),
            Clock.systemUTC(), meters, new ParameterResolver(reference -> {
                throw new SecretNotFoundException(reference);
            }));

    @AfterEach
    void close() {
        execution.close();
    }

    @Test
    void reportsStartedThenSucceededWithTheOutputs() throws Exception {
        noop.body = context -> JobResult.success(Map.of("answer", 42));
        RunDispatched run = run("noop", "http", null);

        execution.execute(run);

        assertThat(reporter.reports).hasSize(2);
        assertThat(reporter.reports.get(0)).isEqualTo(new RunStarted(run.runId(), run.taskId(), WORKER,
                reporter.reports.get(0).occurredAt()));
        assertThat(reporter.reports.get(1)).isInstanceOfSatisfying(RunSucceeded.class, succeeded -> {
            assertThat(succeeded.runId()).isEqualTo(run.runId());
            assertThat(succeeded.taskId()).isEqualTo(run.taskId());
            assertThat(succeeded.workerId()).isEqualTo(WORKER);
            assertThat(succeeded.outputs()).isEqualTo(Map.of("answer", 42));
        });
        assertThat(meters.get("polysync.worker.runs").tag("outcome", "succeeded").tag("job_type", "noop")
                .counter().count()).isEqualTo(1);
        assertThat(meters.get("polysync.worker.run.duration").tag("outcome", "succeeded").tag("job_type", "noop")
                .timer().count()).isEqualTo(1);
        assertThat(meters.get("polysync.worker.slots.busy").gauge().value()).isZero();
    }

    @Test
    void handsTheExecutorTheRunWithADeadlineCountedFromTheStart() throws Exception {
        AtomicReference<JobContext> seen = new AtomicReference<>();
        noop.body = context -> {
            seen.set(context);
            return JobResult.success(Map.of());
        };
        RunDispatched run = run("noop", "http", 30L);

        execution.execute(run);

        JobContext context = seen.get();
        assertThat(context.runId()).isEqualTo(run.runId());
        assertThat(context.taskId()).isEqualTo(run.taskId());
        assertThat(context.taskName()).isEqualTo("nightly-export");
        assertThat(context.attempt()).isEqualTo(2);
        assertThat(context.platform()).isEqualTo(run.platform());
        assertThat(context.parameters()).isEqualTo(Map.of("p", "v"));
        assertThat(context.deadline()).isEqualTo(reporter.reports.get(0).occurredAt().plusSeconds(30));
    }

    @Test
    void reportsTheExecutorsFailure() throws Exception {
        noop.body = context -> JobResult.failure(RunError.nonRetryable("bad input"));

        execution.execute(run("noop", "http", null));

        assertThat(reporter.reports.get(1)).isInstanceOfSatisfying(RunFailed.class, failed ->
                assertThat(failed.error()).isEqualTo(new RunError(FailureReason.NON_RETRYABLE, "bad input", false)));
    }

    @Test
    void turnsAnExecutorExceptionIntoARetryableFailureWithItsMessage() throws Exception {
        noop.body = context -> {
            throw new IllegalStateException("disk full");
        };

        execution.execute(run("noop", "http", null));

        assertThat(failure()).satisfies(error -> {
            assertThat(error.reason()).isEqualTo(FailureReason.EXECUTION_FAILED);
            assertThat(error.retryable()).isTrue();
            assertThat(error.message()).contains("disk full");
        });
    }

    @Test
    void turnsInvalidParametersIntoANonRetryableFailure() throws Exception {
        noop.body = context -> {
            throw new InvalidParametersException("parameter 'x' must be a string");
        };

        execution.execute(run("noop", "http", null));

        assertThat(failure()).isEqualTo(new RunError(FailureReason.INVALID_PARAMETERS,
                "parameter 'x' must be a string", false));
    }

    @Test
    void failsAnUnknownJobTypeForGoodAfterStartingIt() throws Exception {
        execution.execute(run("custom.thing", "postgres", null));

        assertThat(reporter.reports.get(0)).isInstanceOf(RunStarted.class);
        assertThat(failure()).satisfies(error -> {
            assertThat(error.reason()).isEqualTo(FailureReason.NON_RETRYABLE);
            assertThat(error.retryable()).isFalse();
            assertThat(error.message()).contains("custom.thing");
        });
    }

    @Test
    void failsAJobOnAPlatformTypeItDoesNotRunOn() throws Exception {
        http.body = context -> {
            throw new AssertionError("must not run");
        };

        execution.execute(run("http.request", "shell", null));

        assertThat(failure().reason()).isEqualTo(FailureReason.NON_RETRYABLE);
        assertThat(failure().message()).contains("platform type 'shell'");
    }

    @Test
    void interruptsAJobAtItsDeadlineAndReportsItTimedOutWhileHeartbeating() throws Exception {
        CountDownLatch interrupted = new CountDownLatch(1);
        noop.body = context -> {
            try {
                Thread.sleep(60_000);
                return JobResult.success(Map.of());
            } catch (InterruptedException e) {
                interrupted.countDown();
                throw e;
            }
        };
        long started = System.nanoTime();

        execution.execute(run("noop", "http", 1L));

        assertThat(Duration.ofNanos(System.nanoTime() - started)).isBetween(Duration.ofMillis(900), Duration.ofSeconds(5));
        assertThat(interrupted.getCount()).isZero();
        assertThat(failure()).satisfies(error -> {
            assertThat(error.reason()).isEqualTo(FailureReason.TIMED_OUT);
            assertThat(error.retryable()).isTrue();
        });
        assertThat(reporter.reports.subList(1, reporter.reports.size() - 1))
                .isNotEmpty()
                .allMatch(report -> report instanceof RunHeartbeat heartbeat && heartbeat.workerId().equals(WORKER));
        assertThat(meters.get("polysync.worker.runs").tag("reason", "TIMED_OUT").tag("job_type", "noop")
                .counter().count()).isEqualTo(1);
    }

    @Test
    void doesNotRunTheJobWhenTheStartCannotBeReported() {
        reporter.failing = true;
        noop.body = context -> {
            throw new AssertionError("must not run");
        };

        assertThatThrownBy(() -> execution.execute(run("noop", "http", null)))
                .isInstanceOf(ReportNotDeliveredException.class);
        assertThat(noop.calls).isZero();
    }

    @Test
    void startsTheJobOnceTheStartIsSentWhenNotToldToConfirmItAndAnswersForBothAcknowledgements() throws Exception {
        CompletableFuture<Void> broker = new CompletableFuture<>();
        reporter.acknowledgement = broker;

        CompletableFuture<Void> reported = execution.execute(run("noop", "http", null), false);

        assertThat(noop.calls).isEqualTo(1);
        assertThat(reporter.reports).hasSize(2);
        assertThat(reporter.reports.get(1)).isInstanceOf(RunSucceeded.class);
        // acknowledging the run now would be acknowledging reports the broker may never have
        assertThat(reported).isNotDone();
        broker.complete(null);
        assertThat(reported).isCompleted();
    }

    @Test
    void doesNotRunTheJobWhenTheStartCannotEvenBeSent() {
        reporter.failing = true;
        noop.body = context -> {
            throw new AssertionError("must not run");
        };

        assertThatThrownBy(() -> execution.execute(run("noop", "http", null), false))
                .isInstanceOf(ReportNotDeliveredException.class);
        assertThat(noop.calls).isZero();
    }

    @Test
    void aRunDeliveredAgainBeforeItsReportsWereAcknowledgedHasThemSentAgainWithoutRunningTheJobAgain()
            throws Exception {
        noop.body = context -> JobResult.success(Map.of("answer", 42));
        RunDispatched run = run("noop", "http", null);
        reporter.acknowledgement = CompletableFuture.failedFuture(new ReportNotDeliveredException("broker away", null));
        CompletableFuture<Void> first = execution.execute(run);
        assertThat(first).isCompletedExceptionally();
        List<WorkerReport> sentFirst = List.copyOf(reporter.reports);

        reporter.acknowledgement = CompletableFuture.completedFuture(null);
        reporter.reports.clear();
        CompletableFuture<Void> again = execution.execute(run);

        assertThat(noop.calls).isEqualTo(1);
        assertThat(again).isCompleted().isNotCompletedExceptionally();
        // the same reports, start first, with their original times: the dispatcher sees one attempt
        assertThat(reporter.reports).containsExactlyElementsOf(sentFirst);
        assertThat(sentFirst).hasSize(2).first().isInstanceOf(RunStarted.class);
        assertThat(sentFirst.get(1)).isInstanceOf(RunSucceeded.class);
    }

    @Test
    void aRunDeliveredAgainAfterItsReportsWereAcknowledgedIsNeitherRunNorReportedAgain() throws Exception {
        RunDispatched run = run("noop", "http", null);
        execution.execute(run).get();
        reporter.reports.clear();

        CompletableFuture<Void> again = execution.execute(run);

        assertThat(noop.calls).isEqualTo(1);
        assertThat(again).isCompleted().isNotCompletedExceptionally();
        assertThat(reporter.reports).isEmpty();
    }

    @Test
    void aRunDeliveredToAnotherSlotWhileItExecutesWaitsForThatExecutionAndDoesNotRunTheJobAgain() throws Exception {
        CountDownLatch release = new CountDownLatch(1);
        noop.body = context -> {
            release.await();
            return JobResult.success(Map.of());
        };
        RunDispatched run = run("noop", "http", null);
        ExecutorService slots = Executors.newFixedThreadPool(2);
        try {
            Future<CompletableFuture<Void>> first = slots.submit(() -> execution.execute(run));
            await().atMost(Duration.ofSeconds(10)).until(() -> noop.calls == 1);
            AtomicReference<Thread> secondSlot = new AtomicReference<>();
            Future<CompletableFuture<Void>> second = slots.submit(() -> {
                secondSlot.set(Thread.currentThread());
                return execution.execute(run);
            });
            // the second delivery waits for the first execution to let go
            await().atMost(Duration.ofSeconds(10)).until(() -> secondSlot.get() != null
                    && secondSlot.get().getState() == Thread.State.WAITING
                    && Arrays.stream(secondSlot.get().getStackTrace())
                    .anyMatch(frame -> frame.getClassName().equals(CountDownLatch.class.getName())));
            assertThat(second).isNotDone();

            release.countDown();

            assertThat(first.get(10, TimeUnit.SECONDS)).isCompleted();
            assertThat(second.get(10, TimeUnit.SECONDS)).isCompleted();
            assertThat(noop.calls).isEqualTo(1);
            assertThat(reporter.reports).filteredOn(report -> !(report instanceof RunHeartbeat))
                    .extracting(report -> report.getClass().getSimpleName())
                    .containsExactly("RunStarted", "RunSucceeded");
        } finally {
            slots.shutdownNow();
        }
    }

    @Test
    void anotherAttemptOfTheRunIsExecuted() throws Exception {
        RunDispatched run = run("noop", "http", null);
        execution.execute(run).get();

        execution.execute(new RunDispatched(run.runId(), run.taskId(), run.taskName(), run.attempt() + 1,
                run.triggerType(), run.jobType(), run.platform(), run.parameters(), run.executionTimeoutSeconds(),
                run.priority(), run.definitionVersion(), run.occurredAt())).get();

        assertThat(noop.calls).isEqualTo(2);
    }

    @Test
    void aRunStillWaitingForItsStartIsExecutedWhenDeliveredAgain() throws Exception {
        RunDispatched run = run("noop", "http", null);
        reporter.failing = true;
        assertThatThrownBy(() -> execution.execute(run)).isInstanceOf(ReportNotDeliveredException.class);

        reporter.failing = false;
        execution.execute(run).get();

        assertThat(noop.calls).isEqualTo(1);
        assertThat(reporter.reports).hasSize(2);
    }

    private RunError failure() {
        WorkerReport last = reporter.reports.get(reporter.reports.size() - 1);
        assertThat(last).isInstanceOf(RunFailed.class);
        return ((RunFailed) last).error();
    }

    private static RunDispatched run(String jobType, String platformType, Long timeoutSeconds) {
        return new RunDispatched(UUID.randomUUID(), UUID.randomUUID(), "nightly-export", 2, TriggerType.MANUAL,
                jobType, new PlatformSnapshot(UUID.randomUUID(), "target", platformType, Map.of("k", "v")),
                Map.of("p", "v"), timeoutSeconds, 50, 3, Instant.now());
    }

    /** An executor whose behaviour each test sets. */
    private static final class Scripted implements JobExecutor {

        interface Body {
            JobResult run(JobContext context) throws Exception;
        }

        private final String type;
        volatile Body body = context -> JobResult.success(Map.of());
        volatile int calls;

        Scripted(String type) {
            this.type = type;
        }

        @Override
        public String jobType() {
            return type;
        }

        @Override
        public JobResult execute(JobContext context) throws Exception {
            calls++;
            return body.run(context);
        }
    }

    private static final class RecordingReporter implements RunReporter {

        final List<WorkerReport> reports = new CopyOnWriteArrayList<>();
        volatile boolean failing;
        /** What the broker answers to reports sent without waiting. */
        volatile CompletableFuture<Void> acknowledgement = CompletableFuture.completedFuture(null);

        @Override
        public void report(WorkerReport report) {
            if (failing) {
                throw new ReportNotDeliveredException("broker away", null);
            }
            reports.add(report);
        }

        @Override
        public CompletableFuture<Void> send(WorkerReport report) {
            if (failing) {
                return CompletableFuture.failedFuture(new ReportNotDeliveredException("broker away", null));
            }
            reports.add(report);
            return acknowledgement;
        }

        @Override
        public void reportLater(WorkerReport report) {
            reports.add(report);
        }
    }
}
