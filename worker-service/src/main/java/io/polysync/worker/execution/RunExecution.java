package io.polysync.worker.execution;

import io.micrometer.core.instrument.MeterRegistry;
import io.polysync.model.event.RunCancelled;
import io.polysync.model.event.RunDispatched;
import io.polysync.model.event.RunFailed;
import io.polysync.model.event.RunHeartbeat;
import io.polysync.model.event.RunStarted;
import io.polysync.model.event.RunSucceeded;
import io.polysync.model.event.WorkerReport;
import io.polysync.model.jobtype.JobType;
import io.polysync.model.jobtype.JobTypeCatalog;
import io.polysync.model.run.FailureReason;
import io.polysync.model.run.RunError;
import io.polysync.worker.config.WorkerProperties;
import io.polysync.worker.vault.ParameterResolver;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Carries one dispatched run through its attempt on this worker: reports {@code RunStarted}, runs the executor on a
 * thread of its own under the execution timeout (counted from the start report, DESIGN.md section 10 rule 8),
 * heartbeats while it runs, and reports the outcome. By default the job starts only once {@code RunStarted} is
 * acknowledged, so a worker that cannot reach the broker executes nothing; a caller that has just seen the broker
 * acknowledge its reports may let the job start as soon as the start is sent ({@link #execute(RunDispatched,
 * boolean)}). The outcome is sent without waiting: {@link #execute} returns the future of the acknowledgements, so a
 * caller executing short runs back to back does not wait for the broker once per report, and acknowledges the run
 * only once that future completed; a crash in between means a repeated attempt, never a lost one. A run delivered
 * again after its job ended here is not executed again: its reports are sent again if the broker did not acknowledge
 * them ({@link FinishedAttempts}). A run can be stopped from outside: {@link #cancel} (reported
 * {@code RunCancelled}) and {@link #interruptAll} on shutdown (reported FAILED {@code WORKER_SHUTDOWN}).
 */
public class RunExecution implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(RunExecution.class);
    static final int MAX_MESSAGE_LENGTH = 2_000;
    /** Beyond the shell grace period: how long a timed-out job may take to wind down before its slot is reused. */
    private static final Duration STOP_ALLOWANCE = Duration.ofSeconds(5);
    /** Enough to cover the cancels of any realistic backlog; the oldest are forgotten first. */
    private static final int REMEMBERED_CANCELS = 10_000;
    /**
     * Attempts remembered as finished here: a redelivery comes within seconds of the first delivery (after the slot's
     * back-off, or once an outbox sent its record again), far fewer runs than this apart. About 100 bytes each once
     * their reports are acknowledged, so 5 MB at most.
     */
    private static final int REMEMBERED_ATTEMPTS = 50_000;
    static final String CANCEL_REASON = "cancelled on request";

    private final JobExecutorRegistry registry;
    /** Resolves vault references before the job and masks their values in its result. */
    private final ParameterResolver resolver;
    private final JobTypeCatalog catalog;
    private final RunReporter reporter;
    private final WorkerProperties properties;
    private final Clock clock;
    private final RunMetrics metrics;
    private final ExecutorService jobThreads = Executors.newCachedThreadPool(daemonThreads("polysync-job-"));
    private final ScheduledExecutorService heartbeats =
            Executors.newSingleThreadScheduledExecutor(daemonThreads("polysync-heartbeat-"));
    private final InFlightRuns inFlight = new InFlightRuns(REMEMBERED_CANCELS);
    private final FinishedAttempts finished = new FinishedAttempts(REMEMBERED_ATTEMPTS);

    public RunExecution(JobExecutorRegistry registry, JobTypeCatalog catalog, RunReporter reporter,
                        WorkerProperties properties, Clock clock, MeterRegistry meters, ParameterResolver resolver) {
        this.registry = registry;
        this.resolver = resolver;
        this.catalog = catalog;
        this.reporter = reporter;
        this.properties = properties;
        this.clock = clock;
        this.metrics = new RunMetrics(meters, properties.concurrency());
    }

    /**
     * Executes the run, reports its start and sends its outcome.
     *
     * @return completes once the outcome (or the cancellation) is acknowledged, or exceptionally with
     *         {@link ReportNotDeliveredException}: then the run should be delivered again
     * @throws ReportNotDeliveredException when the start could not be reported; the job was not started
     * @throws InterruptedException        when this thread, or the job's, was interrupted other than through the
     *                                     execution timeout, {@link #cancel} or {@link #interruptAll}: no outcome
     *                                     was reported
     */
    public CompletableFuture<Void> execute(RunDispatched run) throws InterruptedException {
        return execute(run, true);
    }

    /**
     * Executes the run like {@link #execute(RunDispatched)}; without {@code confirmStart} its job starts once
     * {@code RunStarted} is sent (unless sending it failed at once), and the returned future covers the start's
     * acknowledgement too. Meant for a caller whose reports the broker acknowledged a moment ago, so that a broker
     * outage lets only the few runs started within that moment execute unconfirmed.
     */
    public CompletableFuture<Void> execute(RunDispatched run, boolean confirmStart) throws InterruptedException {
        InFlightRuns.Attempt tracked = inFlight.register(run.runId());
        try {
            // looked up once registered: an execution of this run that ended a moment ago was remembered before it
            // unregistered
            FinishedAttempts.Finished done = finished.find(run.runId(), run.attempt());
            if (done != null) {
                return reportAgain(run, done);
            }
            if (tracked.stopped() == InFlightRuns.Stop.CANCELLED) {
                log.info("Run {} of task {} was cancelled before it was taken; skipped", run.runId(), run.taskName());
                return reporter.send(cancelled(run));
            }
            return execute(run, tracked, confirmStart);
        } finally {
            inFlight.unregister(run.runId(), tracked);
        }
    }

    /**
     * Stops the run if it executes here, and remembers its id so that a delivery still to come is skipped. Either
     * way the run ends with a {@code RunCancelled} report instead of its outcome, unless the outcome came first.
     *
     * @return whether the run was executing here
     */
    public boolean cancel(UUID runId) {
        return inFlight.cancel(runId);
    }

    /**
     * Interrupts every run still executing because the worker stops (DESIGN.md section 10 rule 9). Each
     * {@link #execute} call carrying one then reports it FAILED {@code WORKER_SHUTDOWN} (retryable) and returns.
     *
     * @return how many runs were interrupted
     */
    public int interruptAll() {
        return inFlight.stopAll();
    }

    private CompletableFuture<Void> execute(RunDispatched run, InFlightRuns.Attempt tracked, boolean confirmStart)
            throws InterruptedException {
        String workerId = properties.workerId();
        RunStarted started = new RunStarted(run.runId(), run.taskId(), workerId, clock.instant());
        CompletableFuture<Void> startReported = CompletableFuture.completedFuture(null);
        if (confirmStart) {
            reporter.report(started);
        } else {
            startReported = reporter.send(started);
            throwIfFailed(startReported);
        }
        log.debug("Run {} of task {} (attempt {}, {}) started", run.runId(), run.taskName(), run.attempt(), run.jobType());
        Instant deadline = deadline(run, started.occurredAt());
        Heartbeat heartbeat = new Heartbeat(run, workerId);
        metrics.started();
        Outcome outcome;
        try {
            outcome = attempt(run, deadline, tracked);
        } catch (InterruptedException e) {
            metrics.abandoned(run.jobType(), since(started));
            throw e;
        } finally {
            heartbeat.stop();
        }
        WorkerReport ended;
        if (outcome.cancelled()) {
            metrics.cancelled(run.jobType(), since(started));
            log.info("Run {} of task {} cancelled on request", run.runId(), run.taskName());
            ended = cancelled(run);
        } else {
            metrics.finished(run.jobType(), outcome.result(), since(started));
            log(run, outcome.result());
            ended = report(run, workerId, outcome.result());
        }
        // remembered before it is sent: a failed send has the run delivered again, which must not run the job again
        FinishedAttempts.Finished done = finished.add(run.runId(), run.attempt(), List.of(started, ended));
        CompletableFuture<Void> reported = reporter.send(ended);
        outcome.awaitStopped(properties.shell().killGracePeriod().plus(STOP_ALLOWANCE));
        return startReported.thenCombine(reported, (start, end) -> null).thenRun(done::acknowledged);
    }

    /**
     * A run whose job already ended here, delivered again: its reports are sent again where the broker did not
     * acknowledge them all, so that the dispatcher learns the outcome, and the job is not run a second time.
     */
    private CompletableFuture<Void> reportAgain(RunDispatched run, FinishedAttempts.Finished done) {
        List<WorkerReport> reports = done.unacknowledged();
        if (reports.isEmpty()) {
            log.info("Run {} of task {} (attempt {}) delivered again; its job ended here and was reported, so it is"
                    + " not executed again", run.runId(), run.taskName(), run.attempt());
            return CompletableFuture.completedFuture(null);
        }
        log.info("Run {} of task {} (attempt {}) delivered again before its reports were acknowledged; they are sent"
                + " again, and its job, which ended here, is not executed again", run.runId(), run.taskName(),
                run.attempt());
        CompletableFuture<Void> acknowledged = CompletableFuture.completedFuture(null);
        for (WorkerReport report : reports) {
            acknowledged = acknowledged.thenCombine(reporter.send(report), (before, now) -> null);
        }
        return acknowledged.thenRun(done::acknowledged);
    }

    /** A start that could not even be sent: the job is not run, as when its acknowledgement is awaited. */
    private static void throwIfFailed(CompletableFuture<Void> startReported) {
        if (!startReported.isCompletedExceptionally()) {
            return;
        }
        try {
            startReported.join();
        } catch (CompletionException e) {
            if (e.getCause() instanceof ReportNotDeliveredException notDelivered) {
                throw notDelivered;
            }
            throw new ReportNotDeliveredException("RunStarted was not sent: " + e.getCause(), e.getCause());
        }
    }

    private Duration since(RunStarted started) {
        return Duration.between(started.occurredAt(), clock.instant());
    }

    private Outcome attempt(RunDispatched run, Instant deadline, InFlightRuns.Attempt tracked)
            throws InterruptedException {
        Optional<JobExecutor> executor = registry.find(run.jobType());
        if (executor.isEmpty()) {
            return Outcome.immediate(JobResult.nonRetryableFailure("job type '" + run.jobType()
                    + "' has no executor on worker " + properties.workerId()));
        }
        String platformType = run.platform() == null ? null : run.platform().type();
        Optional<JobType> type = catalog.find(run.jobType());
        if (type.isPresent() && !type.get().runsOn(platformType)) {
            return Outcome.immediate(JobResult.nonRetryableFailure("job type '" + run.jobType()
                    + "' does not run on platform type '" + platformType + "'"));
        }
        JobContext context = new JobContext(run.runId(), run.taskId(), run.taskName(), run.attempt(), run.platform(),
                run.parameters(), deadline);
        CountDownLatch stopped = new CountDownLatch(1);
        Future<JobResult> job = jobThreads.submit(() -> {
            try {
                return resolver.execute(executor.get(), context);
            } finally {
                stopped.countDown();
            }
        });
        tracked.started(job);
        try {
            JobResult result = deadline == null
                    ? job.get()
                    : job.get(Math.max(0, Duration.between(clock.instant(), deadline).toNanos()), TimeUnit.NANOSECONDS);
            return new Outcome(result == null ? JobResult.retryableFailure("executor returned no result") : result,
                    stopped);
        } catch (TimeoutException e) {
            job.cancel(true);
            return new Outcome(JobResult.failure(RunError.retryable(FailureReason.TIMED_OUT,
                    "exceeded its execution timeout of " + run.executionTimeoutSeconds() + " s")), stopped);
        } catch (CancellationException e) {
            return stoppedOutcome(tracked.stopped(), stopped);
        } catch (ExecutionException e) {
            return new Outcome(failureOf(e.getCause()), stopped);
        } catch (InterruptedException e) {
            job.cancel(true);
            throw e;
        }
    }

    private Outcome stoppedOutcome(InFlightRuns.Stop stop, CountDownLatch stopped) {
        if (stop == InFlightRuns.Stop.CANCELLED) {
            return new Outcome(null, stopped, true);
        }
        return new Outcome(JobResult.failure(RunError.retryable(FailureReason.WORKER_SHUTDOWN,
                "worker " + properties.workerId() + " shut down before the run finished")), stopped);
    }

    private RunCancelled cancelled(RunDispatched run) {
        return new RunCancelled(run.runId(), run.taskId(), properties.workerId(), CANCEL_REASON, clock.instant());
    }

    private static JobResult failureOf(Throwable cause) throws InterruptedException {
        if (cause instanceof InterruptedException interrupted) {
            // nobody but the pool's shutdown interrupts a job that has not timed out
            throw interrupted;
        }
        if (cause instanceof InvalidParametersException invalid) {
            return JobResult.failure(new RunError(FailureReason.INVALID_PARAMETERS, bounded(invalid.getMessage()),
                    false));
        }
        String message = cause.getMessage() == null || cause.getMessage().isBlank()
                ? cause.getClass().getSimpleName()
                : cause.getClass().getSimpleName() + ": " + cause.getMessage();
        return JobResult.retryableFailure(bounded(message));
    }

    private static Instant deadline(RunDispatched run, Instant startedAt) {
        Long seconds = run.executionTimeoutSeconds();
        return seconds == null || seconds <= 0 ? null : startedAt.plusSeconds(seconds);
    }

    private WorkerReport report(RunDispatched run, String workerId, JobResult result) {
        Instant now = clock.instant();
        if (result instanceof JobResult.Success success) {
            return new RunSucceeded(run.runId(), run.taskId(), workerId, success.outputs(), now);
        }
        RunError error = ((JobResult.Failure) result).error();
        return new RunFailed(run.runId(), run.taskId(), workerId,
                new RunError(error.reason(), bounded(error.message()), error.retryable()), now);
    }

    private static void log(RunDispatched run, JobResult result) {
        if (result instanceof JobResult.Failure failure) {
            log.info("Run {} of task {} failed ({}, retryable {}): {}", run.runId(), run.taskName(),
                    failure.error().reason(), failure.error().retryable(), failure.error().message());
        } else {
            log.debug("Run {} of task {} succeeded", run.runId(), run.taskName());
        }
    }

    static String bounded(String message) {
        if (message == null) {
            return null;
        }
        return message.length() <= MAX_MESSAGE_LENGTH ? message : message.substring(0, MAX_MESSAGE_LENGTH) + "…";
    }

    /** Interrupts every job still running (their processes are killed) and stops heartbeating. */
    @Override
    public void close() {
        heartbeats.shutdownNow();
        jobThreads.shutdownNow();
    }

    private static ThreadFactory daemonThreads(String prefix) {
        AtomicInteger count = new AtomicInteger();
        return task -> {
            Thread thread = new Thread(task, prefix + count.incrementAndGet());
            thread.setDaemon(true);
            return thread;
        };
    }

    /** Renews the run's lease while it executes; never sends after {@link #stop()}, so never after the outcome. */
    private final class Heartbeat {

        private final RunDispatched run;
        private final String workerId;
        private final ScheduledFuture<?> schedule;
        private boolean stopped;

        Heartbeat(RunDispatched run, String workerId) {
            this.run = run;
            this.workerId = workerId;
            long interval = properties.heartbeatInterval().toMillis();
            this.schedule = heartbeats.scheduleAtFixedRate(this::beat, interval, interval, TimeUnit.MILLISECONDS);
        }

        private synchronized void beat() {
            if (stopped) {
                return;
            }
            try {
                reporter.reportLater(new RunHeartbeat(run.runId(), run.taskId(), workerId, clock.instant()));
            } catch (RuntimeException e) {
                // a schedule whose task throws never runs again; the next beat may well get through
                log.warn("Heartbeat of run {} not sent: {}", run.runId(), e.toString());
            }
        }

        synchronized void stop() {
            stopped = true;
            schedule.cancel(false);
        }
    }

    /** The result of an attempt, and a way to wait until its executor has really let go (after an interruption). */
    private record Outcome(JobResult result, CountDownLatch stopped, boolean cancelled) {

        Outcome(JobResult result, CountDownLatch stopped) {
            this(result, stopped, false);
        }

        static Outcome immediate(JobResult result) {
            return new Outcome(result, new CountDownLatch(0));
        }

        void awaitStopped(Duration limit) throws InterruptedException {
            if (!stopped.await(limit.toMillis(), TimeUnit.MILLISECONDS)) {
                log.warn("An interrupted job did not stop within {}; its thread is abandoned", limit);
            }
        }
    }
}
