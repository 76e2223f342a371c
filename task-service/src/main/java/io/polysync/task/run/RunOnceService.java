package io.polysync.task.run;

import io.polysync.model.Topics;
import io.polysync.model.event.TriggerRequested;
import io.polysync.model.id.Ids;
import io.polysync.model.run.RunState;
import io.polysync.model.run.TriggerType;
import io.polysync.runtime.outbox.Outbox;
import io.polysync.task.api.NotFoundException;
import io.polysync.task.config.TaskServiceProperties;
import io.polysync.task.definition.Task;
import io.polysync.task.definition.TaskRepository;
import io.polysync.task.validation.Errors;
import org.springframework.dao.DataIntegrityViolationException;
import org.springframework.stereotype.Service;
import org.springframework.transaction.PlatformTransactionManager;
import org.springframework.transaction.support.TransactionTemplate;

import java.time.Clock;
import java.time.Instant;
import java.util.Map;
import java.util.UUID;

/**
 * Run Once (DESIGN.md section 5 step 1 and section 10 rules 1 and 3). The QUEUED row of the read model and the
 * TriggerRequested in the outbox commit together, so a returned runId is readable at once and always reaches the
 * dispatcher. The runId derives from the idempotency key: the same key twice answers the first run and publishes
 * nothing new.
 */
@Service
public class RunOnceService {

    static final int MAX_IDEMPOTENCY_KEY_LENGTH = 200;

    private final TaskRepository tasks;
    private final TaskRunRepository runs;
    private final RunHistoryRepository history;
    private final Outbox outbox;
    private final TransactionTemplate tx;
    private final Clock clock;
    private final String requester;

    public RunOnceService(TaskRepository tasks, TaskRunRepository runs, RunHistoryRepository history, Outbox outbox,
                          PlatformTransactionManager transactions, Clock clock, TaskServiceProperties properties) {
        this.tasks = tasks;
        this.runs = runs;
        this.history = history;
        this.outbox = outbox;
        this.tx = new TransactionTemplate(transactions);
        this.clock = clock;
        this.requester = properties.apiRequester();
    }

    public RunAccepted runOnce(String taskName, RunOnceRequest request) {
        RunOnceRequest body = request == null ? RunOnceRequest.EMPTY : request;
        // a fresh key is drawn once, outside the transaction, so a retry after a lost race keeps the same run
        String key = body.idempotencyKey() != null ? body.idempotencyKey() : UUID.randomUUID().toString();
        try {
            return tx.execute(status -> start(taskName, body, key));
        } catch (DataIntegrityViolationException concurrentSameKey) {
            return tx.execute(status -> start(taskName, body, key));
        }
    }

    private RunAccepted start(String taskName, RunOnceRequest body, String key) {
        Task task = tasks.findByName(taskName)
                .orElseThrow(() -> new NotFoundException("name", "no task named '" + taskName + "'"));
        validate(body);

        UUID triggerId = Ids.triggerId(task.id(), TriggerType.MANUAL, key);
        UUID runId = Ids.runId(triggerId);
        TaskRun existing = runs.findById(runId).orElse(null);
        if (existing != null) {
            return new RunAccepted(existing.runId(), existing.state());
        }

        Instant now = clock.instant();
        Map<String, Object> overrides = body.parameters() == null ? Map.of() : body.parameters();
        TaskRun run = runs.saveAndFlush(TaskRun.queued(runId, task.id(), task.name(), TriggerType.MANUAL, 1,
                task.definitionVersion(), requester, now));
        history.save(RunHistoryEntry.transition(runId, RunState.QUEUED, now, "Run Once requested by " + requester));
        outbox.append(Topics.TRIGGERS, task.id().toString(), new TriggerRequested(triggerId, runId, task.id(),
                task.name(), TriggerType.MANUAL, Map.of(), overrides, 1, null, task.definitionVersion(), requester,
                null, now));
        return new RunAccepted(runId, run.state());
    }

    private static void validate(RunOnceRequest body) {
        Errors errors = new Errors();
        String key = body.idempotencyKey();
        if (key != null && (key.isBlank() || key.length() > MAX_IDEMPOTENCY_KEY_LENGTH)) {
            errors.add("idempotencyKey", "must be 1-" + MAX_IDEMPOTENCY_KEY_LENGTH + " characters, not blank");
        }
        if (body.parameters() != null) {
            errors.checkVaultReferences("parameters", body.parameters());
        }
        errors.throwIfAny();
    }
}
