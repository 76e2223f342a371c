package io.polysync.dispatcher;

import io.polysync.dispatcher.ledger.HistoryEntry;
import io.polysync.dispatcher.ledger.HistoryKind;
import io.polysync.dispatcher.ledger.TaskRun;
import io.polysync.dispatcher.support.DispatcherIntegrationTest;
import io.polysync.model.Json;
import io.polysync.model.Topics;
import io.polysync.model.event.RunDispatched;
import io.polysync.model.event.RunStarted;
import io.polysync.model.event.RunStateChanged;
import io.polysync.model.event.TriggerRequested;
import io.polysync.model.run.FailureReason;
import io.polysync.model.run.RunState;
import io.polysync.model.run.TriggerType;
import io.polysync.model.task.TaskSnapshot;
import org.junit.jupiter.api.Test;

import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import static io.polysync.dispatcher.support.Fixtures.aTask;
import static io.polysync.dispatcher.support.Fixtures.aTriggerOf;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.tuple;

class RunParametersIT extends DispatcherIntegrationTest {

    private static final Map<String, Object> SCHEMA = Map.of("type", "object",
            "properties", Map.of("path", Map.of("type", "string"), "sleepMillis", Map.of("type", "integer")),
            "required", List.of("path"));

    @Test
    void onlyTheEventThatCreatesARunCarriesItsEffectiveParametersWithVaultReferencesUnresolved() {
        TaskSnapshot task = aTask().jobDefaults(Map.of("path", "/default", "sleepMillis", 1))
                .parameters(Map.of("token", "vault://main/api-token")).build();
        TriggerRequested trigger = aTriggerOf(task, "created").overrides(Map.of("path", "/override")).build();
        publishDefinition(task);
        publishTrigger(trigger);
        awaitRun(trigger.runId(), RunState.QUEUED);
        probe(Topics.RUNS_NORMAL).awaitOne(r -> r.key().equals(trigger.runId().toString()));

        report(new RunStarted(trigger.runId(), trigger.taskId(), "w-1", Instant.now()));

        List<RunStateChanged> changes = stateChanges(trigger.runId(), 2);
        assertThat(changes).extracting(RunStateChanged::state).containsExactly(RunState.QUEUED, RunState.RUNNING);
        assertThat(changes.get(0).parameters()).isEqualTo(Map.of("path", "/override", "sleepMillis", 1,
                "token", "vault://main/api-token"));
        assertThat(changes.get(1).parameters()).isEmpty();
    }

    @Test
    void aRetryRunsWithTheParametersOfTheRunItRetries() {
        TaskSnapshot task = aTask().jobDefaults(Map.of("a", "job")).parameters(Map.of("b", "task")).build();
        TriggerRequested first = aTriggerOf(task, "first").mappedInputs(Map.of("c", "parent"))
                .overrides(Map.of("d", "override")).build();
        publishDefinition(task);
        publishTrigger(first);
        Map<String, Object> original = awaitRun(first.runId(), RunState.QUEUED).parameters();
        assertThat(original).isEqualTo(Map.of("a", "job", "b", "task", "c", "parent", "d", "override"));

        TriggerRequested retry = aTriggerOf(task, "unused").retrying(first.runId(), 2).build();
        publishTrigger(retry);

        TaskRun run = awaitRun(retry.runId(), RunState.QUEUED);
        assertThat(run.parameters()).isEqualTo(original);
        assertThat(run.triggerType()).isEqualTo(TriggerType.RETRY);
        assertThat(run.attempt()).isEqualTo(2);
        assertThat(run.retryOf()).isEqualTo(first.runId());
        assertThat(historyOf(run.runId())).extracting(HistoryEntry::reason)
                .contains("parameters copied from run " + first.runId());
        RunDispatched dispatched = Json.decode(probe(Topics.RUNS_NORMAL)
                .awaitOne(r -> r.key().equals(retry.runId().toString())).value(), RunDispatched.class);
        assertThat(dispatched.parameters()).isEqualTo(original);
        assertThat(dispatched.attempt()).isEqualTo(2);
    }

    @Test
    void aRetryOfARunThisLedgerDoesNotKnowComputesItsParametersFromTheDefinition() {
        TaskSnapshot task = aTask().jobDefaults(Map.of("a", "job")).parameters(Map.of("b", "task")).build();
        UUID unknown = UUID.randomUUID();
        TriggerRequested retry = aTriggerOf(task, "unused").retrying(unknown, 3).build();

        publishDefinition(task);
        publishTrigger(retry);

        TaskRun run = awaitRun(retry.runId(), RunState.QUEUED);
        assertThat(run.parameters()).isEqualTo(Map.of("a", "job", "b", "task"));
        assertThat(historyOf(run.runId())).extracting(HistoryEntry::reason)
                .contains("run " + unknown + " is not in this ledger; parameters computed from the definition");
        probe(Topics.RUNS_NORMAL).awaitOne(r -> r.key().equals(retry.runId().toString()));
    }

    @Test
    void aScheduledRunWhoseParametersFailTheSchemaFailsAtOnceAndIsNeverDispatched() {
        TaskSnapshot task = aTask().parameterSchema(SCHEMA).parameters(Map.of("sleepMillis", "slow")).build();
        Instant fire = Instant.now().truncatedTo(ChronoUnit.SECONDS);
        TriggerRequested trigger = aTriggerOf(task, "unused").scheduledFor(fire).build();

        publishDefinition(task);
        publishTrigger(trigger);

        TaskRun run = awaitRun(trigger.runId(), RunState.FAILED);
        assertThat(run.triggerType()).isEqualTo(TriggerType.SCHEDULE);
        assertThat(run.error().reason()).isEqualTo(FailureReason.INVALID_PARAMETERS);
        assertThat(run.error().retryable()).isFalse();
        assertThat(run.error().message()).contains("path").contains("sleepMillis");
        assertThat(run.admittedAt()).isNull();
        assertThat(run.band()).isNull();
        assertThat(run.finishedAt()).isNotNull();
        assertThat(historyOf(run.runId())).filteredOn(h -> h.kind() == HistoryKind.TRANSITION)
                .extracting(HistoryEntry::state, HistoryEntry::reason)
                .containsExactly(tuple(RunState.QUEUED, "queued by SCHEDULE trigger from scheduler"),
                        tuple(RunState.FAILED, run.error().message()));

        List<RunStateChanged> changes = stateChanges(run.runId(), 2);
        assertThat(changes).extracting(RunStateChanged::previousState, RunStateChanged::state)
                .containsExactly(tuple(null, RunState.QUEUED), tuple(RunState.QUEUED, RunState.FAILED));
        assertThat(changes.get(1).error()).isEqualTo(run.error());
        assertThat(changes).extracting(RunStateChanged::parameters).containsOnly(Map.of("sleepMillis", "slow"));
        assertThat(changes.get(1).scheduledFor()).isEqualTo(fire);
        for (String band : List.of(Topics.RUNS_HIGH, Topics.RUNS_NORMAL, Topics.RUNS_LOW)) {
            assertThat(probe(band).seen(r -> r.key().equals(run.runId().toString()))).as(band).isEmpty();
        }
    }

    @Test
    void aScheduledRunWhoseParametersSatisfyTheSchemaIsDispatched() {
        TaskSnapshot task = aTask().parameterSchema(SCHEMA).parameters(Map.of("path", "/x", "sleepMillis", 5))
                .build();
        TriggerRequested trigger = aTriggerOf(task, "unused").scheduledFor(Instant.now()).build();

        publishDefinition(task);
        publishTrigger(trigger);

        TaskRun run = awaitRun(trigger.runId(), RunState.QUEUED);
        assertThat(run.error()).isNull();
        probe(Topics.RUNS_NORMAL).awaitOne(r -> r.key().equals(trigger.runId().toString()));
    }
}
