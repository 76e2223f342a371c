package io.polysync.worker.messaging;

import io.polysync.worker.config.WorkerProperties;
import io.polysync.worker.execution.RunExecution;
import org.junit.jupiter.api.Test;

import java.time.Duration;

import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.mockito.Mockito.mock;
import static org.mockito.Mockito.verifyNoInteractions;

/**
 * A command of the wrong shape is refused with an exception the error handler does not retry, so it is dead-lettered
 * at once instead of holding up the cancels behind it for the whole retry budget.
 */
class WorkerCommandListenerTest {

    private final RunExecution execution = mock(RunExecution.class);
    private final WorkerCommandListener listener = new WorkerCommandListener(execution, new WorkerProperties(
            "command-test", 1, Duration.ofSeconds(5), Duration.ofSeconds(5),
            new WorkerProperties.Shell(Duration.ofSeconds(1)), null, null, null, 0.1, Duration.ofSeconds(5), 1));

    @Test
    void aCancelRunWithoutARunIdIsRefused() {
        assertThatThrownBy(() -> listener.on("{\"unexpected\":\"shape\"}"))
                .isInstanceOf(IllegalArgumentException.class);
        verifyNoInteractions(execution);
    }
}
