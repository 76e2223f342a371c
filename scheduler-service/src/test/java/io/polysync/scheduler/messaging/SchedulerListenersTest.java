package io.polysync.scheduler.messaging;

import io.polysync.scheduler.dependency.DependencyTriggers;
import io.polysync.scheduler.retry.RetryScheduler;
import io.polysync.scheduler.schedule.ScheduleTimer;
import io.polysync.scheduler.tasks.TaskCatalog;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.mockito.Mockito.mock;
import static org.mockito.Mockito.verifyNoInteractions;

/** Run events of the wrong shape are refused (and so dead-lettered), not silently taken for a non-terminal event. */
class SchedulerListenersTest {

    private final TaskCatalog catalog = mock(TaskCatalog.class);
    private final DependencyTriggers dependencies = mock(DependencyTriggers.class);
    private final RetryScheduler retries = mock(RetryScheduler.class);
    private final SchedulerListeners listeners = new SchedulerListeners(catalog, dependencies, retries,
            mock(ScheduleTimer.class));

    @Test
    void aRunStateChangedWithoutItsFieldsIsRefused() {
        assertThatThrownBy(() -> listeners.onRunEvent("{\"type\":\"RunStateChanged\",\"unexpected\":\"shape\"}"))
                .isInstanceOf(IllegalArgumentException.class);
        verifyNoInteractions(catalog, dependencies, retries);
    }
}
