package io.polysync.worker.messaging;

import io.polysync.model.Json;
import io.polysync.model.Topics;
import io.polysync.model.event.WorkerReport;
import io.polysync.worker.execution.ReportNotDeliveredException;
import io.polysync.worker.execution.RunReporter;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.kafka.core.KafkaTemplate;

import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * Publishes worker reports to {@code polysync.worker-reports}, keyed by taskId so they reach the dispatcher instance
 * that owns the task's runs, in order. The worker has no outbox: a report that is not acknowledged fails the
 * delivery of the run, which is then delivered again.
 */
public class KafkaRunReporter implements RunReporter {

    private static final Logger log = LoggerFactory.getLogger(KafkaRunReporter.class);

    private final KafkaTemplate<String, String> kafka;
    private final Duration timeout;

    public KafkaRunReporter(KafkaTemplate<String, String> kafka, Duration timeout) {
        this.kafka = kafka;
        this.timeout = timeout;
    }

    @Override
    public void report(WorkerReport report) throws InterruptedException {
        try {
            sendRecord(report).get(timeout.toMillis(), TimeUnit.MILLISECONDS);
        } catch (ExecutionException e) {
            throw new ReportNotDeliveredException(describe(report) + " was not delivered: " + e.getCause(), e.getCause());
        } catch (TimeoutException e) {
            throw new ReportNotDeliveredException(describe(report) + " was not acknowledged within " + timeout, e);
        }
    }

    @Override
    public CompletableFuture<Void> send(WorkerReport report) {
        CompletableFuture<?> sent;
        try {
            sent = sendRecord(report);
        } catch (RuntimeException e) {
            // the producer refused it outright (closed, or its buffer full for max.block.ms)
            return CompletableFuture.failedFuture(
                    new ReportNotDeliveredException(describe(report) + " was not sent: " + e, e));
        }
        CompletableFuture<Void> acknowledged = new CompletableFuture<>();
        sent.orTimeout(timeout.toMillis(), TimeUnit.MILLISECONDS).whenComplete((result, failure) -> {
            if (failure == null) {
                acknowledged.complete(null);
                return;
            }
            Throwable cause = failure instanceof CompletionException ? failure.getCause() : failure;
            acknowledged.completeExceptionally(cause instanceof TimeoutException
                    ? new ReportNotDeliveredException(describe(report) + " was not acknowledged within " + timeout, cause)
                    : new ReportNotDeliveredException(describe(report) + " was not delivered: " + cause, cause));
        });
        return acknowledged;
    }

    @Override
    public void reportLater(WorkerReport report) {
        sendRecord(report).whenComplete((result, failure) -> {
            if (failure != null) {
                log.warn("{} was not delivered: {}", describe(report), failure.toString());
            }
        });
    }

    private CompletableFuture<?> sendRecord(WorkerReport report) {
        return kafka.send(Topics.WORKER_REPORTS, report.taskId().toString(), Json.encode(report));
    }

    private static String describe(WorkerReport report) {
        return report.getClass().getSimpleName() + " of run " + report.runId();
    }
}
