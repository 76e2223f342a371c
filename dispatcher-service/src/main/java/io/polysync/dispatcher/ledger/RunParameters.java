package io.polysync.dispatcher.ledger;

import io.polysync.model.event.TriggerRequested;
import io.polysync.model.param.ParameterProblem;
import io.polysync.model.param.ParameterValidation;
import io.polysync.model.param.Parameters;
import io.polysync.model.run.FailureReason;
import io.polysync.model.run.RunError;
import io.polysync.model.run.TriggerType;
import io.polysync.model.task.TaskSnapshot;

import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The parameters a new run executes with (DESIGN.md section 10 rule 13) and whether the job's schema accepts them.
 *
 * <p>A RETRY repeats its failed attempt, so it copies that run's effective parameters from the ledger (the scheduler
 * sends no inputs for retries); only when that run is unknown here are they computed from the definition like any
 * other trigger's: job defaults &lt; task literals &lt; mapped parent outputs &lt; overrides. Every trigger type is
 * validated, MANUAL and EXTERNAL too although the task-service validated them on acceptance: a compiled schema is
 * cached, so it costs microseconds, and the run may execute another definition version than the one they were
 * accepted against (compaction keeps only the newest).
 */
final class RunParameters {

    /**
     * @param values   the effective parameters
     * @param source   how they were found, for the run's history when that is not the ordinary way
     * @param problems what the job's schema finds wrong with them; empty when the run may be admitted
     */
    record Resolved(Map<String, Object> values, Optional<String> source, List<ParameterProblem> problems) {

        boolean valid() {
            return problems.isEmpty();
        }

        /** The error of a run whose parameters fail the schema: not retryable, nothing would change on a retry. */
        RunError error() {
            return new RunError(FailureReason.INVALID_PARAMETERS,
                    "invalid parameters: " + ParameterValidation.describe(problems), false);
        }
    }

    private final ParameterValidation validation;

    RunParameters(ParameterValidation validation) {
        this.validation = validation;
    }

    /**
     * @param retried the effective parameters of the run a RETRY trigger retries, when the ledger knows it
     */
    Resolved resolve(TriggerRequested trigger, TaskSnapshot task, Optional<Map<String, Object>> retried) {
        Map<String, Object> values;
        Optional<String> source = Optional.empty();
        if (trigger.triggerType() == TriggerType.RETRY && trigger.retryOf() != null) {
            if (retried.isPresent()) {
                values = Parameters.effective(retried.get(), Map.of(), trigger.mappedInputs(), trigger.overrides());
                source = Optional.of("parameters copied from run " + trigger.retryOf());
            } else {
                values = fromDefinition(trigger, task);
                source = Optional.of("run " + trigger.retryOf()
                        + " is not in this ledger; parameters computed from the definition");
            }
        } else {
            values = fromDefinition(trigger, task);
        }
        return new Resolved(values, source, validation.validate(task.job().parameterSchema(), values));
    }

    private static Map<String, Object> fromDefinition(TriggerRequested trigger, TaskSnapshot task) {
        return Parameters.effective(task.job().defaults(), task.parameters(), trigger.mappedInputs(),
                trigger.overrides());
    }
}
