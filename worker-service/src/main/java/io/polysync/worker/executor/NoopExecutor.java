package io.polysync.worker.executor;

import io.polysync.model.jobtype.JobTypeCatalog;
import io.polysync.model.run.FailureReason;
import io.polysync.model.run.RunError;
import io.polysync.worker.execution.InvalidParametersException;
import io.polysync.worker.execution.JobContext;
import io.polysync.worker.execution.JobExecutor;
import io.polysync.worker.execution.JobResult;
import io.polysync.worker.execution.JobValues;

import java.util.Map;

/**
 * Does nothing, for as long as asked ({@code sleepMillis}, interruptible), then succeeds with the {@code outputs}
 * object it was given, or fails when {@code fail} is true ({@code failMessage}; {@code retryable}, default true).
 * It exercises the whole pipeline for tests, benchmarks and smoke checks.
 */
public class NoopExecutor implements JobExecutor {

    @Override
    public String jobType() {
        return JobTypeCatalog.NOOP;
    }

    @Override
    public JobResult execute(JobContext context) throws InterruptedException {
        JobValues params = context.params();
        long sleepMillis = params.integer("sleepMillis").orElse(0L);
        if (sleepMillis < 0) {
            throw new InvalidParametersException("parameter 'sleepMillis' must not be negative");
        }
        boolean fail = params.bool("fail", false);
        String failMessage = params.string("failMessage").orElse("forced failure");
        boolean retryable = params.bool("retryable", true);
        Map<String, Object> outputs = params.object("outputs").orElse(Map.of());
        if (sleepMillis > 0) {
            Thread.sleep(sleepMillis);
        }
        if (fail) {
            return JobResult.failure(retryable
                    ? RunError.retryable(FailureReason.EXECUTION_FAILED, failMessage)
                    : RunError.nonRetryable(failMessage));
        }
        return JobResult.success(outputs);
    }
}
