package io.polysync.dispatcher.ledger;

import io.polysync.dispatcher.definition.ResolvedDefinition;
import io.polysync.dispatcher.definition.TaskDefinitions;
import io.polysync.model.event.TriggerRequested;
import io.polysync.model.param.ParameterValidation;
import io.polysync.model.run.TriggerType;
import io.polysync.model.task.TaskSnapshot;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.stereotype.Service;
import org.springframework.transaction.annotation.Transactional;

import java.time.Clock;
import java.time.Instant;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.stream.Collectors;

/**
 * Turns triggers into runs. Each accepted trigger yields exactly one run (DESIGN.md section 7, invariant 1): a
 * trigger whose run exists is a no-op, and the unique trigger id in the table stops two dispatchers racing on one
 * trigger (the loser's transaction fails, its retry then finds the run and does nothing).
 */
@Service
public class RunLedger {

    private static final Logger log = LoggerFactory.getLogger(RunLedger.class);

    private final TaskRunRepository runs;
    private final RunRows rows;
    private final TaskDefinitions definitions;
    private final RunJournal journal;
    private final RunAdmission admission;
    private final RunParameters parameters;
    private final Clock clock;

    public RunLedger(TaskRunRepository runs, RunRows rows, TaskDefinitions definitions, RunJournal journal,
                     RunAdmission admission, ParameterValidation validation, Clock clock) {
        this.runs = runs;
        this.rows = rows;
        this.definitions = definitions;
        this.journal = journal;
        this.admission = admission;
        this.parameters = new RunParameters(validation);
        this.clock = clock;
    }

    /**
     * Queues the runs a batch of triggers asks for, in order, in one transaction: each run is recorded, announced and
     * handed to admission, and a trigger repeated within the batch is a duplicate like one whose run already exists.
     * Whether their runs exist is asked once for the whole batch, and their tasks are locked and their definitions
     * read together, before the first run is made. If any trigger fails, nothing of the batch is kept. The new runs
     * are inserted together ({@link RunRows}), each once admission has decided on it.
     *
     * @throws io.polysync.dispatcher.definition.DefinitionNotYetKnownException when a definition has not arrived
     *                                                                          yet (retry later)
     */
    @Transactional
    public void queueAll(List<TriggerRequested> triggers) {
        triggers.forEach(RunLedger::validate);
        Set<UUID> known = new HashSet<>(rows.triggerIdsWithRuns(
                triggers.stream().map(TriggerRequested::triggerId).collect(Collectors.toSet())));
        List<TriggerRequested> fresh = triggers.stream().filter(t -> !known.contains(t.triggerId())).toList();
        admission.queuing(fresh.stream().map(TriggerRequested::taskId).collect(Collectors.toSet()));
        definitions.prefetch(fresh.stream().collect(Collectors.toMap(TriggerRequested::taskId,
                TriggerRequested::definitionVersion, (first, second) -> first)));
        for (TriggerRequested trigger : triggers) {
            if (known.add(trigger.triggerId())) {
                create(trigger);
            } else {
                duplicate(trigger);
            }
        }
    }

    private void create(TriggerRequested trigger) {
        ResolvedDefinition definition = definitions.resolve(trigger.taskId(), trigger.definitionVersion());
        TaskSnapshot task = definition.task();
        RunParameters.Resolved resolved = parameters.resolve(trigger, task, retriedParameters(trigger));
        Instant now = clock.instant();
        TaskRun run = TaskRun.queued(trigger, definition.version(), task.priority(),
                task.job() == null ? null : task.job().jobType(), resolved.values(), now);
        journal.created(run, queuedReason(trigger), now);
        definition.note().ifPresent(note -> journal.note(run, note, now));
        resolved.source().ifPresent(source -> journal.note(run, source, now));
        if (!resolved.valid()) {
            run.fail(null, resolved.error(), now);
            journal.refusedAtCreation(run, resolved.error().message(), now);
            rows.insertLater(run);
            log.info("run {} of task {} failed before admission: {}", run.runId(), run.taskName(),
                    resolved.error().message());
            return;
        }
        admission.queued(run, task);
        rows.insertLater(run);
        log.debug("queued run {} of task {} ({} trigger {})", run.runId(), run.taskName(), trigger.triggerType(),
                trigger.triggerId());
    }

    private static void duplicate(TriggerRequested trigger) {
        log.debug("trigger {} of task {} already has its run: duplicate ignored", trigger.triggerId(),
                trigger.taskName());
    }

    private Optional<Map<String, Object>> retriedParameters(TriggerRequested trigger) {
        if (trigger.triggerType() != TriggerType.RETRY || trigger.retryOf() == null) {
            return Optional.empty();
        }
        return runs.findById(trigger.retryOf()).map(TaskRun::parameters);
    }

    private static void validate(TriggerRequested trigger) {
        if (trigger.triggerId() == null || trigger.runId() == null || trigger.taskId() == null
                || trigger.taskName() == null || trigger.triggerType() == null || trigger.attempt() < 1) {
            throw new IllegalArgumentException("incomplete TriggerRequested: " + trigger);
        }
    }

    private static String queuedReason(TriggerRequested trigger) {
        String reason = "queued by " + trigger.triggerType() + " trigger";
        if (trigger.requestedBy() != null && !trigger.requestedBy().isBlank()) {
            reason += " from " + trigger.requestedBy();
        }
        if (trigger.retryOf() != null) {
            reason += ", attempt " + trigger.attempt() + " retrying run " + trigger.retryOf();
        }
        return reason;
    }
}
