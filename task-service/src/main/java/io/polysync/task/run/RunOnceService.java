package io.polysync.task.run;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.polysync.model.run.TriggerType;
import io.polysync.task.api.NotFoundException;
import io.polysync.task.config.TaskServiceProperties;
import io.polysync.task.validation.FieldError;
import io.polysync.task.validation.InvalidRequestException;
import org.springframework.stereotype.Service;

import java.util.UUID;

/**
 * Run Once through the API, the UI and the copilot: a MANUAL trigger accepted by {@link TriggerAcceptance} in a
 * transaction shared with concurrent requests ({@link RunOnceBatches}), answered as 202, 400 naming each bad field
 * ({@code idempotencyKey}, {@code parameters.<name>}) or 404 for an unknown task.
 */
@Service
public class RunOnceService {

    private final RunOnceBatches acceptance;
    private final String requester;
    private final Counter accepted;

    RunOnceService(RunOnceBatches acceptance, TaskServiceProperties properties, MeterRegistry meters) {
        this.acceptance = acceptance;
        this.requester = properties.apiRequester();
        this.accepted = Counter.builder("polysync.task.run.once")
                .description("Run Once requests accepted as a new run (API, UI, copilot); repeated keys not counted")
                .register(meters);
    }

    public RunAccepted runOnce(String taskName, RunOnceRequest request) {
        return runOnce(taskName, request, requester);
    }

    /** The same, recording {@code requestedBy} as the caller names itself (the copilot names its token). */
    public RunAccepted runOnce(String taskName, RunOnceRequest request, String requestedBy) {
        RunOnceRequest body = request == null ? RunOnceRequest.EMPTY : request;
        // a fresh key is drawn once, before the transaction, so a retry after a lost race keeps the same run
        String key = body.idempotencyKey() != null ? body.idempotencyKey() : UUID.randomUUID().toString();
        try {
            TriggerAcceptance.Acceptance result = acceptance.accept(new RunRequest(taskName, TriggerType.MANUAL, key,
                    body.parameters(), requestedBy));
            if (!result.duplicate()) {
                accepted.increment();
            }
            return result.run();
        } catch (TriggerRejectedException e) {
            if (e.reason() == TriggerRejectedException.Reason.UNKNOWN_TASK) {
                FieldError error = e.errors().get(0);
                throw new NotFoundException(error.field(), error.message());
            }
            throw new InvalidRequestException(e.errors());
        }
    }
}
