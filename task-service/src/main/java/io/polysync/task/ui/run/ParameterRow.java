package io.polysync.task.ui.run;

/**
 * One parameter on the run page. {@code value} is display text, already masked: a vault reference is shown as the
 * reference, a literal under a secret-looking name as a mask, never its value.
 *
 * @param source where the value comes from: the job's default, the task's value, or a parent's output; null for a
 *               run's own effective value, where precedence has merged them
 */
public record ParameterRow(String name, String value, Kind kind, String source) {

    public enum Kind { LITERAL, VAULT_REFERENCE, MASKED, MAPPED }
}
