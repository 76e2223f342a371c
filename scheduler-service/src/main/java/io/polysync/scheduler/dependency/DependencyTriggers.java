package io.polysync.scheduler.dependency;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.polysync.model.Topics;
import io.polysync.model.event.RunStateChanged;
import io.polysync.model.event.TriggerRequested;
import io.polysync.model.id.Ids;
import io.polysync.model.run.RunState;
import io.polysync.model.run.TriggerType;
import io.polysync.runtime.outbox.Outbox;
import io.polysync.scheduler.tasks.DefinitionChange;
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
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.stream.Collectors;

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
    private final TaskCatalog tasks;
    private final Outbox outbox;
    private final Clock clock;
    private final Counter triggers;

    public DependencyTriggers(FanInStore store, TaskCatalog tasks, Outbox outbox, Clock clock,
                              MeterRegistry meters) {
        this.store = store;
        this.tasks = tasks;
        this.outbox = outbox;
        this.clock = clock;
        this.triggers = Counter.builder("polysync.scheduler.dependency.triggers")
                .description("DEPENDENCY triggers published because every parent of a task succeeded")
                .register(meters);
    }

    /**
     * Applies a poll of definition changes (one per task): deleted tasks are forgotten as dependents, and each
     * defined task's reverse index follows its definition unless a version at least as new was applied already.
     */
    @Transactional
    public void onDefinitions(List<DefinitionChange> changes) {
        store.delete(changes.stream().filter(DefinitionChange::deleted).map(DefinitionChange::taskId).toList());
        store.replaceDependencies(changes.stream().map(DefinitionChange::definition).filter(d -> d != null).toList());
    }

    /**
     * Offers the successes among {@code changes}, in order, to the fan-in of every dependent of their tasks, and
     * triggers each dependent whose fan-in one of them completes; events of other states are passed over. One query
     * finds the dependents of all their tasks; a success of a task that nothing depends on reads nothing more. The
     * dependents' rows are locked together, in id order, so replicas working on overlapping polls cannot deadlock
     * on them, and several successes for one dependent fold in the order they came. Their definitions are read in
     * one query and the changed fan-ins written back in one batch at the end: a parent with a hundred dependents
     * costs a handful of statements, not four per dependent.
     */
    @Transactional
    public void onSuccesses(List<RunStateChanged> changes) {
        List<RunStateChanged> successes = changes.stream()
                .filter(changed -> changed.state() == RunState.SUCCEEDED).toList();
        if (successes.isEmpty()) {
            return;
        }
        Map<UUID, List<UUID>> children = store.childrenOf(successes.stream().map(RunStateChanged::taskId)
                .collect(Collectors.toSet()));
        if (children.isEmpty()) {
            return;
        }
        Set<UUID> dependents = new HashSet<>();
        children.values().forEach(dependents::addAll);
        Map<UUID, FanIn> locked = store.lockAll(dependents);
        Map<UUID, TaskView> views = tasks.views(locked.keySet());
        List<FanInStore.Triggered> triggered = new ArrayList<>();
        for (RunStateChanged changed : successes) {
            Instant finishedAt = changed.finishedAt() != null ? changed.finishedAt() : changed.occurredAt();
            ParentSuccess success = new ParentSuccess(changed.runId(), changed.outputs(), finishedAt);
            for (UUID child : children.getOrDefault(changed.taskId(), List.of())) {
                FanIn fanIn = locked.get(child);
                if (fanIn == null) {
                    continue;
                }
                TaskView view = views.get(child);
                // without a definition a completion cannot trigger: it is undone, as if this offer never happened
                FanIn before = view == null ? fanIn.copy() : null;
                FanIn.Outcome outcome = fanIn.offer(changed.taskId(), success);
                if (outcome instanceof FanIn.Outcome.Completed completed) {
                    if (view == null) {
                        log.warn("dependent task {} has dependencies but no definition; not triggered", child);
                        locked.put(child, before);
                        continue;
                    }
                    outbox.append(Topics.TRIGGERS, child.toString(),
                            trigger(view, changed.runId(), finishedAt, completed));
                    triggered.add(new FanInStore.Triggered(child, changed.runId(), clock.instant()));
                    log.info("task {} triggered by the success of run {} (parents' runs {})", view.taskName(),
                            changed.runId(), completed.consumedRuns().values());
                }
            }
        }
        store.saveAll(locked.values());
        store.markTriggered(triggered);
        countAfterCommit(triggered.size());
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
