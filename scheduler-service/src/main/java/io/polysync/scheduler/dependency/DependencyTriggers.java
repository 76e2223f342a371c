package io.polysync.scheduler.dependency;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.polysync.model.Topics;
import io.polysync.model.event.RunStateChanged;
import io.polysync.model.event.TaskDefinitionChanged;
import io.polysync.model.event.TriggerRequested;
import io.polysync.model.id.Ids;
import io.polysync.model.run.RunState;
import io.polysync.model.run.TriggerType;
import io.polysync.runtime.outbox.Outbox;
import io.polysync.scheduler.tasks.TaskView;
import io.polysync.scheduler.tasks.TaskViewRepository;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.stereotype.Service;
import org.springframework.transaction.annotation.Transactional;
import org.springframework.transaction.support.TransactionSynchronization;
import org.springframework.transaction.support.TransactionSynchronizationManager;

import java.time.Clock;
import java.time.Instant;
import java.util.Optional;
import java.util.UUID;

/**
 * Triggers dependent tasks when their parents have all succeeded (trigger type DEPENDENCY). Any replica may handle
 * any event: the fan-in state is shared in the database and each dependent's row lock serialises the work on it.
 * Each trigger is appended to the outbox in the transaction that consumes the parent successes it was made from.
 */
@Service
public class DependencyTriggers {

    private static final Logger log = LoggerFactory.getLogger(DependencyTriggers.class);

    static final String REQUESTED_BY = "scheduler";

    private final FanInStore store;
    private final TaskViewRepository tasks;
    private final Outbox outbox;
    private final Clock clock;
    private final Counter triggers;

    public DependencyTriggers(FanInStore store, TaskViewRepository tasks, Outbox outbox, Clock clock,
                              MeterRegistry meters) {
        this.store = store;
        this.tasks = tasks;
        this.outbox = outbox;
        this.clock = clock;
        this.triggers = Counter.builder("polysync.scheduler.dependency.triggers")
                .description("DEPENDENCY triggers published because every parent of a task succeeded")
                .register(meters);
    }

    /** Keeps the reverse index from the task's newest definition; older or replayed versions change nothing. */
    @Transactional
    public void on(TaskDefinitionChanged changed) {
        store.replaceDependencies(changed.taskId(), changed.definitionVersion(), changed.task().dependencies());
    }

    @Transactional
    public void taskDeleted(UUID taskId) {
        store.delete(taskId);
    }

    /** On a success, records it for every dependent of the task and triggers those whose fan-in it completes. */
    @Transactional
    public void on(RunStateChanged changed) {
        if (changed.state() != RunState.SUCCEEDED) {
            return;
        }
        Instant finishedAt = changed.finishedAt() != null ? changed.finishedAt() : changed.occurredAt();
        ParentSuccess success = new ParentSuccess(changed.runId(), changed.outputs(), finishedAt);
        int triggered = 0;
        for (UUID child : store.childrenOf(changed.taskId())) {
            Optional<FanIn> locked = store.lock(child);
            if (locked.isEmpty()) {
                continue;
            }
            FanIn fanIn = locked.get();
            FanIn.Outcome outcome = fanIn.offer(changed.taskId(), success);
            if (outcome instanceof FanIn.Outcome.Completed completed) {
                Optional<TaskView> view = tasks.findById(child);
                if (view.isEmpty()) {
                    log.warn("dependent task {} has dependencies but no definition; not triggered", child);
                    continue;
                }
                outbox.append(Topics.TRIGGERS, child.toString(),
                        trigger(view.get(), changed.runId(), finishedAt, completed));
                store.markTriggered(child, changed.runId(), clock.instant());
                triggered++;
                log.info("task {} triggered by the success of run {} (parents' runs {})", view.get().taskName(),
                        changed.runId(), completed.consumedRuns().values());
            }
            if (!(outcome instanceof FanIn.Outcome.Ignored)) {
                store.save(fanIn);
            }
        }
        countAfterCommit(triggered);
    }

    private TriggerRequested trigger(TaskView child, UUID completingRun, Instant completedAt,
                                     FanIn.Outcome.Completed completed) {
        UUID triggerId = Ids.triggerId(child.taskId(), TriggerType.DEPENDENCY, completingRun.toString());
        return new TriggerRequested(triggerId, Ids.runId(triggerId), child.taskId(), child.taskName(),
                TriggerType.DEPENDENCY, completed.mappedInputs(), null, 1, null, child.definitionVersion(),
                REQUESTED_BY, null, clock.instant(), completedAt);
    }

    private void countAfterCommit(int triggered) {
        if (triggered == 0) {
            return;
        }
        TransactionSynchronizationManager.registerSynchronization(new TransactionSynchronization() {
            @Override
            public void afterCommit() {
                triggers.increment(triggered);
            }
        });
    }
}
