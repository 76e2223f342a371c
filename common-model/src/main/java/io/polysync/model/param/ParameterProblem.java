package io.polysync.model.param;

/**
 * One reason why a set of parameters does not satisfy a job's parameter schema.
 *
 * @param field   the offending parameter, as a path from the parameter object: {@code path}, {@code headers.Accept},
 *                {@code command[0]}; empty when the problem concerns the parameters as a whole
 * @param message what is wrong, in words
 */
public record ParameterProblem(String field, String message) {

    @Override
    public String toString() {
        return field.isEmpty() ? message : field + ": " + message;
    }
}
