package io.polysync.worker.execution;

import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

class InFlightRunsTest {

    private final InFlightRuns inFlight = new InFlightRuns(10);

    @Test
    void stoppingAllCountsEveryRunStoppedEvenWhenItsSlotUnregistersItAtOnce() throws Exception {
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
    void aRunRegisteredAfterStoppingAllIsStoppedAtOnce() throws Exception {
        inFlight.stopAll();

        assertThat(inFlight.register(UUID.randomUUID()).stopped()).isEqualTo(InFlightRuns.Stop.SHUTDOWN);
    }

    @Test
    void aCancelBeforeTheRunIsRegisteredStopsItWhenItComes() throws Exception {
        UUID runId = UUID.randomUUID();

        assertThat(inFlight.cancel(runId)).isFalse();

        assertThat(inFlight.register(runId).stopped()).isEqualTo(InFlightRuns.Stop.CANCELLED);
    }

    @Test
    void aRunRegisteredAgainWhileItExecutesIsRegisteredOnlyOnceTheFirstUnregistered() throws Exception {
        UUID runId = UUID.randomUUID();
        InFlightRuns.Attempt first = inFlight.register(runId);
        ExecutorService slot = Executors.newSingleThreadExecutor();
        try {
            AtomicReference<Thread> waiting = new AtomicReference<>();
            Future<InFlightRuns.Attempt> second = slot.submit(() -> {
                waiting.set(Thread.currentThread());
                return inFlight.register(runId);
            });
            await().atMost(Duration.ofSeconds(10)).until(() -> waiting.get() != null
                    && waiting.get().getState() == Thread.State.WAITING);
            assertThat(second).isNotDone();
            // the run executes once here: a cancel reaches the attempt that holds it
            assertThat(inFlight.cancel(runId)).isTrue();
            assertThat(first.stopped()).isEqualTo(InFlightRuns.Stop.CANCELLED);

            inFlight.unregister(runId, first);

            assertThat(second.get(10, TimeUnit.SECONDS)).isNotSameAs(first);
        } finally {
            slot.shutdownNow();
        }
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
