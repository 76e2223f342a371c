package io.polysync.task.definition;

import io.polysync.model.param.ParameterProblem;
import io.polysync.model.param.ParameterValidation;
import io.polysync.model.param.Parameters;
import io.polysync.task.validation.FieldError;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/**
 * A task's parameter values judged against its job (DESIGN.md section 10 rule 13): every name must be a property of
 * the job's schema, and job defaults with the task's literals must satisfy the schema — except that a required
 * parameter a dependency mapping supplies may be absent, since the parent's run provides it.
 */
final class TaskParameters {

    private static final ParameterValidation VALIDATION = new ParameterValidation();

    private TaskParameters() {
    }

    /** The parameter names the schema declares: the only ones a task may set or a mapping may fill. */
    static Set<String> accepted(Map<String, Object> schema) {
        Set<String> names = new TreeSet<>();
        if (schema != null && schema.get("properties") instanceof Map<?, ?> properties) {
            properties.keySet().forEach(k -> names.add(String.valueOf(k)));
        }
        return names;
    }

    /** Every problem, named {@code parameters.<name>} (or {@code parameters} for the set as a whole). */
    static List<FieldError> problems(String job, Map<String, Object> schema, Map<String, Object> defaults,
                                     Map<String, Object> parameters, Set<String> mappedInputs) {
        Set<String> accepted = accepted(schema);
        List<FieldError> errors = new ArrayList<>();
        for (String name : parameters.keySet()) {
            if (!accepted.contains(name)) {
                errors.add(new FieldError("parameters." + name, "is not a parameter of job '" + job
                        + "'; its parameters are " + accepted));
            }
        }
        Map<String, Object> effective = Parameters.effective(defaults, parameters, null, null);
        for (ParameterProblem problem : VALIDATION.validate(schema, effective)) {
            String top = problem.field().split("[.\\[]", 2)[0];
            boolean suppliedByParent = mappedInputs.contains(top) && !effective.containsKey(top);
            boolean reportedAsUnknown = !top.isEmpty() && !accepted.contains(top);
            if (!suppliedByParent && !reportedAsUnknown) {
                errors.add(new FieldError(problem.field().isEmpty() ? "parameters" : "parameters." + problem.field(),
                        problem.message()));
            }
        }
        return errors;
    }
}
