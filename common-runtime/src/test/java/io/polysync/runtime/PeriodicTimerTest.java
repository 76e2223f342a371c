package io.polysync.runtime;

import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

class PeriodicTimerTest {

    @Test
    void keepsGoingAfterAFailedRound() {
        AtomicInteger rounds = new AtomicInteger();
        PeriodicTimer timer = new PeriodicTimer("test-timer", () -> {
            if (rounds.incrementAndGet() == 1) {
                throw new IllegalStateException("first round fails");
            }
        });
        timer.start(Duration.ZERO, Duration.ofMillis(10));
        try {
            await().atMost(Duration.ofSeconds(5)).until(() -> rounds.get() >= 3);
        } finally {
            timer.stop();
        }
        assertThat(timer.isRunning()).isFalse();
    }

    @Test
    void stopLetsTheRoundInProgressFinishWithoutAnInterrupt() throws InterruptedException {
        CountDownLatch inRound = new CountDownLatch(1);
        AtomicBoolean interrupted = new AtomicBoolean();
        AtomicBoolean finished = new AtomicBoolean();
        PeriodicTimer timer = new PeriodicTimer("test-timer", () -> {
            inRound.countDown();
            long until = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(300);
            while (System.nanoTime() < until) {
                if (Thread.currentThread().isInterrupted()) {
                    interrupted.set(true);
                }
                Thread.onSpinWait();
            }
            finished.set(true);
        });
        timer.start(Duration.ZERO, Duration.ofHours(1));
        assertThat(inRound.await(5, TimeUnit.SECONDS)).isTrue();

        timer.stop();

        assertThat(finished).isTrue();
        assertThat(interrupted).isFalse();
    }

    @Test
    void anExtraRoundRunsSoonAndIsIgnoredOnceStopped() {
        AtomicInteger extra = new AtomicInteger();
        PeriodicTimer timer = new PeriodicTimer("test-timer", () -> { });
        timer.start(Duration.ofHours(1), Duration.ofHours(1));
        timer.runSoon(extra::incrementAndGet);
        await().atMost(Duration.ofSeconds(5)).until(() -> extra.get() == 1);

        timer.stop();
        timer.runSoon(extra::incrementAndGet);

        assertThat(extra).hasValue(1);
    }
}
