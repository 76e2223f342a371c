package io.polysync.task.external;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.polysync.model.Json;
import io.polysync.model.event.ExternalTriggerRequested;
import io.polysync.model.run.TriggerType;
import io.polysync.task.run.RunRequest;
import io.polysync.task.run.TriggerAcceptance;
import io.polysync.task.run.TriggerRejectedException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.stereotype.Service;
import org.springframework.transaction.support.TransactionSynchronization;
import org.springframework.transaction.support.TransactionSynchronizationManager;
import tools.jackson.core.JacksonException;

import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.stream.Collectors;

/**
 * Triggers from upstream systems ({@code { task, idempotencyKey, parameters }} on {@code polysync.external-triggers}),
 * accepted exactly like Run Once (the same {@link TriggerAcceptance}) as EXTERNAL runs requested by "external".
 *
 * <p>The same idempotency key twice makes one run; the second is counted as a duplicate. A record without a key gets
 * a fresh random one (DESIGN.md section 10 rule 1), so it is not deduplicated: should the record be delivered again
 * (a crash between the commit and the offset commit), it makes a second run; upstream systems that need exactly one
 * run send a key. Every record that can never be accepted is rejected with an {@link ExternalTriggerRejectedException}
 * naming the reason. Each outcome is counted in {@code polysync.task.external.triggers{outcome, reason}}, every
 * series registered at zero on start-up (rule 26).
 */
@Service
public class ExternalTriggers {

    public static final String REQUESTED_BY = "external";
    static final String METRIC = "polysync.task.external.triggers";

    /** Why a record was rejected; the lower-case name is the metric's reason tag. */
    public enum Rejection {
        /** Not JSON, not the expected shape, no value, or no task named. */
        UNDECODABLE,
        UNKNOWN_TASK,
        /** A blank key, or longer than {@link TriggerAcceptance#MAX_IDEMPOTENCY_KEY_LENGTH}. */
        INVALID_IDEMPOTENCY_KEY,
        /** The effective parameters fail the job's schema, or a vault reference is malformed. */
        INVALID_PARAMETERS;

        public String tag() {
            return name().toLowerCase(Locale.ROOT);
        }
    }

    private static final Logger log = LoggerFactory.getLogger(ExternalTriggers.class);

    private final TriggerAcceptance acceptance;
    private final Counter accepted;
    private final Counter duplicate;
    private final Map<Rejection, Counter> rejected = new EnumMap<>(Rejection.class);

    public ExternalTriggers(TriggerAcceptance acceptance, MeterRegistry meters) {
        this.acceptance = acceptance;
        this.accepted = counter(meters, "accepted", "none");
        this.duplicate = counter(meters, "duplicate", "none");
        for (Rejection reason : Rejection.values()) {
            rejected.put(reason, counter(meters, "rejected", reason.tag()));
        }
    }

    /** Record {@code index} of a {@link #receiveAll} call can never be accepted; nothing of it was written. */
    public record Refused(int index, ExternalTriggerRejectedException rejection) {
    }

    /**
     * Accepts records' values in order inside the caller's transaction, up to the first that can never be accepted,
     * which is answered (the ones after it are not looked at). Outcomes are counted once the transaction commits,
     * so a poll that is rolled back and applied again counts each record once.
     */
    public Optional<Refused> receiveAll(List<String> values) {
        List<ExternalTriggerRequested> decoded = new ArrayList<>(values.size());
        Optional<Refused> refused = Optional.empty();
        for (int i = 0; i < values.size() && refused.isEmpty(); i++) {
            try {
                decoded.add(decode(values.get(i)));
            } catch (ExternalTriggerRejectedException e) {
                refused = Optional.of(new Refused(i, e));
            }
        }
        // the records before an undecodable one are accepted together, up to the first that is rejected
        List<TriggerAcceptance.Answer> answers = decoded.isEmpty() ? List.of()
                : acceptance.acceptAllInCurrentTransaction(decoded.stream().map(ExternalTriggers::runRequest).toList(),
                        true);
        List<Runnable> counts = new ArrayList<>(answers.size() + 1);
        for (int i = 0; i < answers.size(); i++) {
            TriggerAcceptance.Answer answer = answers.get(i);
            if (answer.rejection() != null) {
                refused = Optional.of(new Refused(i, rejected(answer.rejection())));
                break;
            }
            counts.add(counted(decoded.get(i), answer.acceptance()));
        }
        refused.ifPresent(r -> {
            logRefusal(r.index() < decoded.size() ? decoded.get(r.index()) : null, r.rejection());
            counts.add(rejected.get(r.rejection().reason())::increment);
        });
        TransactionSynchronizationManager.registerSynchronization(new TransactionSynchronization() {
            @Override
            public void afterCommit() {
                counts.forEach(Runnable::run);
            }
        });
        return refused;
    }

    /** The record as a run request; a record without a key gets a fresh one, so it is never a duplicate. */
    private static RunRequest runRequest(ExternalTriggerRequested request) {
        String key = request.idempotencyKey() != null ? request.idempotencyKey() : UUID.randomUUID().toString();
        return new RunRequest(request.task(), TriggerType.EXTERNAL, key, request.parameters(), REQUESTED_BY);
    }

    private static ExternalTriggerRejectedException rejected(TriggerRejectedException e) {
        return new ExternalTriggerRejectedException(rejection(e.reason()), e.errors().stream()
                .map(error -> error.field() + " " + error.message())
                .collect(Collectors.joining("; ")), null);
    }

    /** Counts and logs an accepted record's outcome when run. */
    private Runnable counted(ExternalTriggerRequested request, TriggerAcceptance.Acceptance result) {
        if (result.duplicate()) {
            return () -> {
                duplicate.increment();
                log.info("external trigger of task {} with key {} is a duplicate of run {}: ignored",
                        request.task(), request.idempotencyKey(), result.run().runId());
            };
        }
        return () -> {
            accepted.increment();
            log.debug("external trigger of task {} accepted as run {}", request.task(), result.run().runId());
        };
    }

    private ExternalTriggerRequested decode(String value) {
        if (value == null || value.isBlank()) {
            throw undecodable("the record has no value", null);
        }
        ExternalTriggerRequested request;
        try {
            request = Json.decode(value, ExternalTriggerRequested.class);
        } catch (JacksonException e) {
            throw undecodable("not a JSON object {task, idempotencyKey, parameters}: " + e.getOriginalMessage(), e);
        }
        if (request == null || request.task() == null || request.task().isBlank()) {
            throw undecodable("the record names no task", null);
        }
        return request;
    }

    /**
     * Logs the record's rejection once it is final (a record after a rejected one comes again). The detail travels
     * with the dead letter only: record content stays out of the log.
     */
    private static void logRefusal(ExternalTriggerRequested request, ExternalTriggerRejectedException e) {
        log.warn("external trigger{} rejected ({}): sent to the dead-letter topic", request == null ? ""
                : " of task " + request.task(), e.reason().tag());
    }

    private static ExternalTriggerRejectedException undecodable(String detail, Throwable cause) {
        return new ExternalTriggerRejectedException(Rejection.UNDECODABLE, detail, cause);
    }

    private static Rejection rejection(TriggerRejectedException.Reason reason) {
        return switch (reason) {
            case UNKNOWN_TASK -> Rejection.UNKNOWN_TASK;
            case INVALID_IDEMPOTENCY_KEY -> Rejection.INVALID_IDEMPOTENCY_KEY;
            case INVALID_PARAMETERS -> Rejection.INVALID_PARAMETERS;
        };
    }

    private static Counter counter(MeterRegistry meters, String outcome, String reason) {
        return Counter.builder(METRIC)
                .description("Records on polysync.external-triggers by outcome, and why rejected ones were")
                .tag("outcome", outcome)
                .tag("reason", reason)
                .register(meters);
    }
}
