package io.polysync.task.run;

import io.polysync.model.Topics;
import io.polysync.model.event.TriggerRequested;
import io.polysync.model.id.Ids;
import io.polysync.model.param.ParameterProblem;
import io.polysync.model.param.ParameterValidation;
import io.polysync.model.param.Parameters;
import io.polysync.model.run.RunState;
import io.polysync.model.run.TriggerType;
import io.polysync.model.task.DependencySnapshot;
import io.polysync.model.task.OutputMapping;
import io.polysync.runtime.outbox.Outbox;
import io.polysync.runtime.outbox.OutboxRecord;
import io.polysync.task.run.TriggerDefinitions.TriggerDefinition;
import io.polysync.task.run.TriggerRejectedException.Reason;
import io.polysync.task.validation.Errors;
import io.polysync.task.validation.FieldError;
import io.polysync.task.vault.VaultReferences;
import org.springframework.stereotype.Service;
import org.springframework.transaction.PlatformTransactionManager;
import org.springframework.transaction.support.TransactionSynchronizationManager;
import org.springframework.transaction.support.TransactionTemplate;

import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;

/**
 * Accepts the triggers the task-service makes itself, Run Once (MANUAL) and upstream events (EXTERNAL), by one code
 * path (DESIGN.md section 5 step 1, section 10 rules 1, 3 and 13).
 *
 * <p>Guarantees: a request is accepted only when its effective parameters (job defaults &lt; task literals &lt;
 * mapped outputs of each parent's latest SUCCEEDED run &lt; overrides) satisfy the job's parameter schema; an
 * accepted request's QUEUED read-model row and its {@link TriggerRequested} in the outbox commit together, so a
 * returned runId is readable at once and always reaches the dispatcher; the run id derives from the idempotency key,
 * so the same key twice answers the first run, publishes nothing new and is reported as a duplicate. A rejected
 * request writes nothing.
 */
@Service
public class TriggerAcceptance {

    public static final int MAX_IDEMPOTENCY_KEY_LENGTH = 200;

    /** The answer: the run, and whether an earlier request with the same key had already made it. */
    public record Acceptance(RunAccepted run, boolean duplicate) {
    }

    private final TriggerDefinitions definitions;
    private final AcceptedRuns accepted;
    private final TaskRunRepository runs;
    private final Outbox outbox;
    private final ParameterValidation validation;
    private final VaultReferences vaults;
    private final TransactionTemplate tx;
    private final Clock clock;

    TriggerAcceptance(TriggerDefinitions definitions, AcceptedRuns accepted, TaskRunRepository runs, Outbox outbox,
                      ParameterValidation validation, VaultReferences vaults, PlatformTransactionManager transactions,
                      Clock clock) {
        this.definitions = definitions;
        this.accepted = accepted;
        this.runs = runs;
        this.outbox = outbox;
        this.validation = validation;
        this.vaults = vaults;
        this.tx = new TransactionTemplate(transactions);
        this.clock = clock;
    }

    /**
     * Accepts the request in a transaction of its own: one per request.
     *
     * @throws TriggerRejectedException naming every problem; nothing was written
     */
    public Acceptance accept(RunRequest request) {
        return tx.execute(status -> acceptInCurrentTransaction(request));
    }

    /**
     * Accepts the request inside the caller's transaction, so many requests share one commit. A rejection leaves
     * that transaction as it was (nothing written, nothing marked for rollback); a request that races another with
     * the same key waits for that one's transaction and, once it committed, answers its run as a duplicate.
     *
     * @throws TriggerRejectedException naming every problem; nothing was written
     */
    public Acceptance acceptInCurrentTransaction(RunRequest request) {
        return acceptAllInCurrentTransaction(List.of(request), false).get(0).get();
    }

    /**
     * Accepts the requests inside the caller's transaction as if one after the other, in one round trip per table
     * rather than per request: their definitions are stamped by one query, their runs and history entries are
     * inserted in one batch each (in run id order, so concurrent batches cannot deadlock on a shared key), and their
     * triggers go to the outbox together. A request with the key of an earlier one in the list answers that run as
     * a duplicate. Rejections write nothing and leave the transaction usable.
     *
     * @param untilFirstRejection answer only up to the first rejection, included: the requests after it are not
     *                            looked at and nothing of them is written (a consumer that must stop at a bad record)
     * @return one answer per request (up to the first rejection), in order
     */
    public List<Answer> acceptAllInCurrentTransaction(List<RunRequest> requests, boolean untilFirstRejection) {
        if (!TransactionSynchronizationManager.isActualTransactionActive()) {
            throw new IllegalStateException("acceptAllInCurrentTransaction needs the caller's transaction");
        }
        Map<String, TriggerDefinition> tasks = definitions.findAll(requests.stream().map(RunRequest::taskName)
                .toList());
        Instant now = clock.instant();
        // an entry left null is answered once the inserts below have made or found its run
        List<Answer> answers = new ArrayList<>(requests.size());
        List<Candidate> candidates = new ArrayList<>(requests.size());
        Set<UUID> earlierRuns = new HashSet<>();
        List<Candidate> duplicatesOfEarlier = new ArrayList<>();
        for (int i = 0; i < requests.size(); i++) {
            Answer answer;
            try {
                Candidate candidate = candidate(i, requests.get(i), tasks.get(requests.get(i).taskName()), now);
                if (candidate.rejection() == null) {
                    candidates.add(candidate);
                    earlierRuns.add(candidate.runId());
                    answer = null;
                } else if (earlierRuns.contains(candidate.runId())) {
                    // a repeated key answers its first run, whatever the task's schema says of the parameters now;
                    // that run is made (or found) by the inserts below
                    duplicatesOfEarlier.add(candidate);
                    answer = null;
                } else {
                    answer = duplicate(candidate.runId()).map(Answer::accepted)
                            .orElseGet(() -> Answer.rejected(candidate.rejection()));
                }
            } catch (TriggerRejectedException rejected) {
                answer = Answer.rejected(rejected);
            }
            answers.add(answer);
            if (untilFirstRejection && answer != null && answer.rejection() != null) {
                break;
            }
        }

        // whether a key was used before is not asked first: the insert finds out, one round trip less for every
        // new run, which nearly every request is
        candidates.sort(Comparator.comparing(Candidate::runId));
        boolean[] inserted = accepted.insertQueued(candidates.stream().map(Candidate::queued).toList());
        List<OutboxRecord> triggers = new ArrayList<>(candidates.size());
        for (int c = 0; c < candidates.size(); c++) {
            Candidate candidate = candidates.get(c);
            if (inserted[c]) {
                triggers.add(candidate.trigger());
                answers.set(candidate.index(), Answer.accepted(new Acceptance(
                        new RunAccepted(candidate.runId(), RunState.QUEUED), false)));
            } else {
                // an earlier request with the same key made the run (a concurrent one committed first, one earlier
                // in this list, or one long ago): answer its run, publish nothing
                answers.set(candidate.index(), Answer.accepted(duplicate(candidate.runId()).orElseThrow()));
            }
        }
        outbox.appendAll(triggers);
        for (Candidate candidate : duplicatesOfEarlier) {
            answers.set(candidate.index(), Answer.accepted(duplicate(candidate.runId()).orElseThrow()));
        }
        return List.copyOf(answers);
    }

    /** One request's answer from {@link #acceptAllInCurrentTransaction}: accepted, or rejected with nothing written. */
    public record Answer(Acceptance acceptance, TriggerRejectedException rejection) {

        static Answer accepted(Acceptance acceptance) {
            return new Answer(acceptance, null);
        }

        static Answer rejected(TriggerRejectedException rejection) {
            return new Answer(null, rejection);
        }

        /** The acceptance, or the rejection thrown. */
        public Acceptance get() {
            if (rejection != null) {
                throw rejection;
            }
            return acceptance;
        }
    }

    /**
     * A request judged against its definition: the run it makes and its trigger, or, when its parameters were
     * refused, that rejection (which a run made earlier under the same key still overrules).
     */
    private record Candidate(int index, UUID runId, AcceptedRuns.Queued queued, OutboxRecord trigger,
                             TriggerRejectedException rejection) {
    }

    /** @throws TriggerRejectedException for a rejection that no earlier run can overrule */
    private Candidate candidate(int index, RunRequest request, TriggerDefinition task, Instant now) {
        if (task == null) {
            throw new TriggerRejectedException(Reason.UNKNOWN_TASK,
                    List.of(new FieldError("name", "no task named '" + request.taskName() + "'")));
        }
        checkRequest(request);

        UUID triggerId = Ids.triggerId(task.taskId(), request.triggerType(), request.idempotencyKey());
        UUID runId = Ids.runId(triggerId);

        // schedules and contention profiles play no part in a trigger
        Map<String, Object> mappedInputs;
        try {
            mappedInputs = mappedInputs(task.dependencies());
            checkParameters(task.parameterSchema(), Parameters.effective(task.jobDefaults(), task.parameters(),
                    mappedInputs, request.overrides()));
        } catch (TriggerRejectedException rejected) {
            return new Candidate(index, runId, null, null, rejected);
        }
        AcceptedRuns.Queued queued = new AcceptedRuns.Queued(runId, task, request, queuedReason(request), now);
        OutboxRecord trigger = new OutboxRecord(Topics.TRIGGERS, task.taskId().toString(), new TriggerRequested(
                triggerId, runId, task.taskId(), task.name(), request.triggerType(), mappedInputs, request.overrides(),
                1, null, task.definitionVersion(), request.requestedBy(), null, now));
        return new Candidate(index, runId, queued, trigger, null);
    }

    private Optional<Acceptance> duplicate(UUID runId) {
        return accepted.stateOf(runId).map(state -> new Acceptance(new RunAccepted(runId, state), true));
    }

    /** What can be judged without the definition: the key, and the vault references in the overrides. */
    private void checkRequest(RunRequest request) {
        Errors errors = new Errors();
        String key = request.idempotencyKey();
        if (key == null || key.isBlank() || key.length() > MAX_IDEMPOTENCY_KEY_LENGTH) {
            errors.add("idempotencyKey", "must be 1-" + MAX_IDEMPOTENCY_KEY_LENGTH + " characters, not blank");
        }
        boolean badKey = !errors.isEmpty();
        vaults.check(request.overrides(), "parameters", errors);
        if (!errors.isEmpty()) {
            throw new TriggerRejectedException(badKey ? Reason.INVALID_IDEMPOTENCY_KEY : Reason.INVALID_PARAMETERS,
                    errors.list());
        }
    }

    private void checkParameters(Map<String, Object> schema, Map<String, Object> effective) {
        List<ParameterProblem> problems = validation.validate(schema, effective);
        if (!problems.isEmpty()) {
            throw new TriggerRejectedException(Reason.INVALID_PARAMETERS, problems.stream()
                    .map(p -> new FieldError(p.field().isEmpty() ? "parameters" : "parameters." + p.field(),
                            p.message()))
                    .toList());
        }
    }

    /**
     * Each dependency's mappings applied to its parent's latest SUCCEEDED run in the read model; an output that
     * run did not report, or a parent that never succeeded, contributes nothing.
     */
    private Map<String, Object> mappedInputs(List<DependencySnapshot> dependencies) {
        Map<String, Object> inputs = new LinkedHashMap<>();
        for (DependencySnapshot dependency : dependencies) {
            if (dependency.mappings().isEmpty()) {
                continue;
            }
            runs.findFirstByTaskIdAndStateAndFinishedAtNotNullOrderByFinishedAtDesc(dependency.taskId(),
                    RunState.SUCCEEDED).ifPresent(parentRun -> {
                        Map<String, Object> outputs = parentRun.outputs();
                        for (OutputMapping mapping : dependency.mappings()) {
                            if (outputs.containsKey(mapping.output())) {
                                inputs.put(mapping.input(), outputs.get(mapping.output()));
                            }
                        }
                    });
        }
        return inputs;
    }

    private static String queuedReason(RunRequest request) {
        return request.triggerType() == TriggerType.MANUAL
                ? "Run Once requested by " + request.requestedBy()
                : request.triggerType() + " trigger from " + request.requestedBy();
    }
}
