package io.polysync.worker.executor;

import io.polysync.model.run.FailureReason;
import io.polysync.model.run.RunError;
import io.polysync.worker.execution.InvalidParametersException;
import io.polysync.worker.execution.JobResult;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import static io.polysync.worker.executor.Contexts.context;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class NoopExecutorTest {

    private final NoopExecutor noop = new NoopExecutor();

    @Test
    void succeedsWithTheOutputsItWasGiven() throws Exception {
        JobResult result = noop.execute(context("http", Map.of(),
                Map.of("outputs", Map.of("answer", 42, "nested", Map.of("ok", true)))));

        assertThat(result).isEqualTo(JobResult.success(Map.of("answer", 42, "nested", Map.of("ok", true))));
    }

    @Test
    void succeedsWithoutOutputsWhenNoneAreGiven() throws Exception {
        assertThat(noop.execute(context(null, Map.of(), Map.of()))).isEqualTo(JobResult.success(Map.of()));
    }

    @Test
    void failsRetryablyWithTheGivenMessageWhenAskedTo() throws Exception {
        JobResult result = noop.execute(context("shell", Map.of(), Map.of("fail", true, "failMessage", "boom")));

        assertThat(result).isEqualTo(JobResult.failure(new RunError(FailureReason.EXECUTION_FAILED, "boom", true)));
    }

    @Test
    void failsForGoodWhenTheFailureIsNotRetryable() throws Exception {
        JobResult result = noop.execute(context("shell", Map.of(), Map.of("fail", true, "retryable", false)));

        assertThat(result).isEqualTo(JobResult.failure(new RunError(FailureReason.NON_RETRYABLE, "forced failure", false)));
    }

    @Test
    void rejectsParametersOfTheWrongType() {
        assertThatThrownBy(() -> noop.execute(context("http", Map.of(), Map.of("sleepMillis", "soon"))))
                .isInstanceOf(InvalidParametersException.class)
                .hasMessageContaining("sleepMillis");
    }

    @Test
    void stopsSleepingWhenInterrupted() throws Exception {
        CompletableFuture<Throwable> thrown = new CompletableFuture<>();
        Thread thread = new Thread(() -> {
            try {
                noop.execute(context("http", Map.of(), Map.of("sleepMillis", 60_000)));
                thrown.complete(null);
            } catch (Throwable e) {
                thrown.complete(e);
            }
        });
        long started = System.nanoTime();
        thread.start();
        thread.interrupt();

        assertThat(thrown.get(10, TimeUnit.SECONDS)).isInstanceOf(InterruptedException.class);
        assertThat(Duration.ofNanos(System.nanoTime() - started)).isLessThan(Duration.ofSeconds(10));
    }
}
