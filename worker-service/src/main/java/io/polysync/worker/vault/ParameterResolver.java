package io.polysync.worker.vault;

import io.polysync.model.param.VaultReference;
import io.polysync.model.run.FailureReason;
import io.polysync.model.run.RunError;
import io.polysync.model.task.PlatformSnapshot;
import io.polysync.worker.execution.InvalidParametersException;
import io.polysync.worker.execution.JobContext;
import io.polysync.worker.execution.JobExecutor;
import io.polysync.worker.execution.JobResult;
import io.polysync.worker.execution.RunExecution;

import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Stands between {@link RunExecution} and an executor: resolves every {@code vault://vault/secret} string of the
 * run's parameters and platform config (at any depth) just before the job executes, and masks every resolved value
 * in what comes back (outputs, error messages), so nothing the worker reports or logs about the run shows a secret.
 *
 * <p>A reference to a vault or secret that does not exist fails the run as non-retryable
 * {@code INVALID_PARAMETERS}; a vault that cannot be read now as retryable {@code EXECUTION_FAILED}. Both messages
 * name the reference, never a value. Values are read again for each attempt (a rotated secret takes effect on the
 * next run) and held only for the attempt. Thread-safe.
 */
public class ParameterResolver {

    private final SecretSource secrets;

    public ParameterResolver(SecretSource secrets) {
        this.secrets = secrets;
    }

    /** Runs the executor on the resolved context; the result, and any failure it throws, is masked. */
    public JobResult execute(JobExecutor executor, JobContext context) throws Exception {
        Map<String, String> values = new LinkedHashMap<>();
        JobContext resolved;
        try {
            resolved = resolve(context, values);
        } catch (SecretNotFoundException | InvalidParametersException e) {
            return JobResult.failure(new RunError(FailureReason.INVALID_PARAMETERS, e.getMessage(), false));
        } catch (VaultUnavailableException e) {
            return JobResult.retryableFailure(e.getMessage());
        }
        SecretMask mask = SecretMask.of(values.values());
        try {
            return mask.mask(executor.execute(resolved));
        } catch (InterruptedException e) {
            throw e;
        } catch (InvalidParametersException e) {
            throw new InvalidParametersException(mask.mask(e.getMessage()));
        } catch (Exception e) {
            if (mask.isEmpty()) {
                throw e;
            }
            String message = e.getMessage() == null || e.getMessage().isBlank() ? null : mask.mask(e.getMessage());
            return JobResult.retryableFailure(e.getClass().getSimpleName() + (message == null ? "" : ": " + message));
        }
    }

    private JobContext resolve(JobContext context, Map<String, String> values) throws InterruptedException {
        @SuppressWarnings("unchecked")
        Map<String, Object> parameters = (Map<String, Object>) resolve(context.parameters(), values);
        PlatformSnapshot platform = context.platform();
        @SuppressWarnings("unchecked")
        Map<String, Object> config = (Map<String, Object>) resolve(platform.config(), values);
        return new JobContext(context.runId(), context.taskId(), context.taskName(), context.attempt(),
                new PlatformSnapshot(platform.platformId(), platform.name(), platform.type(), config), parameters,
                context.deadline());
    }

    /** A copy of the JSON value with references replaced; {@code values} collects what each reference resolved to. */
    private Object resolve(Object value, Map<String, String> values) throws InterruptedException {
        if (value instanceof String text && VaultReference.looksLikeOne(text)) {
            VaultReference reference = VaultReference.parse(text).orElseThrow(() -> new InvalidParametersException(
                    "'" + text + "' is not a valid vault reference (vault://<vault>/<secret>)"));
            String known = values.get(text);
            if (known != null) {
                return known;
            }
            String secret = secrets.read(reference);
            values.put(text, secret);
            return secret;
        }
        if (value instanceof Map<?, ?> map) {
            Map<String, Object> copy = new LinkedHashMap<>();
            for (Map.Entry<?, ?> entry : map.entrySet()) {
                copy.put(String.valueOf(entry.getKey()), resolve(entry.getValue(), values));
            }
            return copy;
        }
        if (value instanceof Collection<?> list) {
            List<Object> copy = new ArrayList<>(list.size());
            for (Object item : list) {
                copy.add(resolve(item, values));
            }
            return copy;
        }
        return value;
    }
}
