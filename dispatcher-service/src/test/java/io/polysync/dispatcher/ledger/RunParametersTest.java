package io.polysync.dispatcher.ledger;

import io.polysync.model.event.TriggerRequested;
import io.polysync.model.param.ParameterValidation;
import io.polysync.model.run.FailureReason;
import io.polysync.model.task.TaskSnapshot;
import org.junit.jupiter.api.Test;

import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;

import static io.polysync.dispatcher.support.Fixtures.aTask;
import static io.polysync.dispatcher.support.Fixtures.aTriggerOf;
import static org.assertj.core.api.Assertions.assertThat;

class RunParametersTest {

    private static final Map<String, Object> SCHEMA = Map.of("type", "object",
            "properties", Map.of("n", Map.of("type", "integer"), "token", Map.of("type", "string",
                    "pattern", "^[0-9]+$")),
            "required", List.of("n"));

    private final RunParameters parameters = new RunParameters(new ParameterValidation());
    private final TaskSnapshot task = aTask().parameterSchema(SCHEMA).jobDefaults(Map.of("n", 1, "a", "job"))
            .parameters(Map.of("a", "task")).build();

    @Test
    void appliesPrecedenceForFirstAttempts() {
        TriggerRequested trigger = aTriggerOf(task, "k").mappedInputs(Map.of("n", 2, "b", "parent"))
                .overrides(Map.of("b", "override")).build();

        RunParameters.Resolved resolved = parameters.resolve(trigger, task, Optional.empty());

        assertThat(resolved.values()).isEqualTo(Map.of("n", 2, "a", "task", "b", "override"));
        assertThat(resolved.valid()).isTrue();
        assertThat(resolved.source()).isEmpty();
    }

    @Test
    void aRetryCopiesTheRetriedRunsParametersInsteadOfTheDefinitions() {
        UUID failed = UUID.randomUUID();
        TriggerRequested retry = aTriggerOf(task, "k").retrying(failed, 2).build();

        RunParameters.Resolved resolved = parameters.resolve(retry, task,
                Optional.of(Map.of("n", 7, "b", "from the first attempt")));

        assertThat(resolved.values()).isEqualTo(Map.of("n", 7, "b", "from the first attempt"));
        assertThat(resolved.source()).contains("parameters copied from run " + failed);
    }

    @Test
    void aRetryOfAnUnknownRunFallsBackToTheDefinition() {
        TriggerRequested retry = aTriggerOf(task, "k").retrying(UUID.randomUUID(), 2).build();

        assertThat(parameters.resolve(retry, task, Optional.empty()).values()).isEqualTo(Map.of("n", 1, "a", "task"));
    }

    @Test
    void parametersThatFailTheSchemaMakeANonRetryableInvalidParametersError() {
        TriggerRequested trigger = aTriggerOf(task, "k").scheduledFor(Instant.now())
                .overrides(Map.of("n", "many", "token", "abc")).build();

        RunParameters.Resolved resolved = parameters.resolve(trigger, task, Optional.empty());

        assertThat(resolved.valid()).isFalse();
        assertThat(resolved.error().reason()).isEqualTo(FailureReason.INVALID_PARAMETERS);
        assertThat(resolved.error().retryable()).isFalse();
        assertThat(resolved.error().message()).startsWith("invalid parameters: ").contains("n: ").contains("token: ");
    }

    @Test
    void aVaultReferenceSatisfiesAStringPattern() {
        TriggerRequested trigger = aTriggerOf(task, "k").overrides(Map.of("token", "vault://builtin/pin")).build();

        assertThat(parameters.resolve(trigger, task, Optional.empty()).problems()).isEmpty();
    }
}
