package io.polysync.worker.execution;

import org.junit.jupiter.api.Test;

import java.util.UUID;
import java.util.concurrent.CompletableFuture;

import static org.assertj.core.api.Assertions.assertThat;

class InFlightRunsTest {

    private final InFlightRuns inFlight = new InFlightRuns(10);

    @Test
    void stoppingAllCountsEveryRunStoppedEvenWhenItsSlotUnregistersItAtOnce() {
        UUID first = UUID.randomUUID();
        UUID second = UUID.randomUUID();
        // the slot executing a run unregisters it as soon as its job is interrupted, possibly before stopAll returns
        InFlightRuns.Attempt one = inFlight.register(first);
        one.started(unregisteringOnCancel(first, one));
        InFlightRuns.Attempt two = inFlight.register(second);
        two.started(unregisteringOnCancel(second, two));

        assertThat(inFlight.stopAll()).isEqualTo(2);
        assertThat(one.stopped()).isEqualTo(InFlightRuns.Stop.SHUTDOWN);
        assertThat(two.stopped()).isEqualTo(InFlightRuns.Stop.SHUTDOWN);
    }

    @Test
    void aRunRegisteredAfterStoppingAllIsStoppedAtOnce() {
        inFlight.stopAll();

        assertThat(inFlight.register(UUID.randomUUID()).stopped()).isEqualTo(InFlightRuns.Stop.SHUTDOWN);
    }

    @Test
    void aCancelBeforeTheRunIsRegisteredStopsItWhenItComes() {
        UUID runId = UUID.randomUUID();

        assertThat(inFlight.cancel(runId)).isFalse();

        assertThat(inFlight.register(runId).stopped()).isEqualTo(InFlightRuns.Stop.CANCELLED);
    }

    private CompletableFuture<Object> unregisteringOnCancel(UUID runId, InFlightRuns.Attempt attempt) {
        return new CompletableFuture<>() {
            @Override
            public boolean cancel(boolean mayInterruptIfRunning) {
                inFlight.unregister(runId, attempt);
                return super.cancel(mayInterruptIfRunning);
            }
        };
    }
}
