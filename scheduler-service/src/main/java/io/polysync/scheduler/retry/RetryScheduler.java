package io.polysync.scheduler.retry;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.polysync.model.Json;
import io.polysync.model.Topics;
import io.polysync.model.event.RunStateChanged;
import io.polysync.model.run.RunState;
import io.polysync.model.task.RetryPolicy;
import io.polysync.model.task.TaskSnapshot;
import io.polysync.runtime.outbox.Outbox;
import io.polysync.runtime.outbox.OutboxRecord;
import io.polysync.scheduler.tasks.TaskCatalog;
import io.polysync.scheduler.tasks.TaskView;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.stereotype.Service;
import org.springframework.transaction.annotation.Transactional;
import org.springframework.transaction.support.TransactionSynchronization;
import org.springframework.transaction.support.TransactionSynchronizationManager;

import java.time.Clock;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

/**
 * Stores a pending retry for each failed run that the task's current retry policy retries, and announces it with
 * {@code RetryScheduled} on run-events (DESIGN.md section 10 rule 20) in the same transaction. The failed run is the
 * key: a replayed or duplicated failure stores and announces nothing more while its retry is pending.
 */
@Service
public class RetryScheduler {

    private static final Logger log = LoggerFactory.getLogger(RetryScheduler.class);

    private final TaskCatalog tasks;
    private final PendingRetryStore store;
    private final Outbox outbox;
    private final DueRetryPublisher publisher;
    private final Clock clock;
    private final Counter scheduled;

    public RetryScheduler(TaskCatalog tasks, PendingRetryStore store, Outbox outbox,
                          DueRetryPublisher publisher, Clock clock, MeterRegistry meters) {
        this.tasks = tasks;
        this.store = store;
        this.outbox = outbox;
        this.publisher = publisher;
        this.clock = clock;
        this.scheduled = Counter.builder("polysync.retries.scheduled")
                .description("Retries stored and announced with RetryScheduled")
                .register(meters);
    }

    /**
     * Decides a poll's failures together: the failed tasks' current definitions in one query, the retries already
     * stored in another, and the new ones inserted in one batch, whatever the number of failures.
     */
    @Transactional
    public void onAll(List<RunStateChanged> changes) {
        List<RunStateChanged> failed = changes.stream().filter(c -> c.state() == RunState.FAILED).toList();
        if (failed.isEmpty()) {
            return;
        }
        Map<UUID, TaskView> views = tasks.views(failed.stream().map(RunStateChanged::taskId).distinct().toList());
        // keyed by the failed run: a failure delivered twice within one poll is decided once
        Map<UUID, PendingRetry> decided = new LinkedHashMap<>();
        for (RunStateChanged changed : failed) {
            TaskView view = views.get(changed.taskId());
            RetryPolicy policy = view == null ? null : Json.decode(view.snapshot(), TaskSnapshot.class).retry();
            RetryDecision.decide(changed, policy, RetryDecision.jitterOf(changed.runId()), clock)
                    .ifPresent(retry -> decided.putIfAbsent(changed.runId(), retry));
        }
        decided.keySet().removeAll(store.existing(decided.keySet()));
        if (decided.isEmpty()) {
            return;
        }
        List<PendingRetry> retries = List.copyOf(decided.values());
        Instant now = clock.instant();
        store.insertAll(retries, now);
        outbox.appendAll(retries.stream()
                .map(r -> new OutboxRecord(Topics.RUN_EVENTS, r.taskId().toString(), r.scheduled(now))).toList());
        retries.forEach(r -> log.info("run {} of task {} failed at attempt {}: attempt {} due at {}",
                r.failedRunId(), r.taskName(), r.attempt() - 1, r.attempt(), r.dueAt()));
        TransactionSynchronizationManager.registerSynchronization(new TransactionSynchronization() {
            @Override
            public void afterCommit() {
                scheduled.increment(retries.size());
                publisher.wake();
            }
        });
    }
}
