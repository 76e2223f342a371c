package io.polysync.bench;

import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLongArray;

/**
 * Where the compared libraries' no-op jobs record when they finished: {@code System.nanoTime()} into an array slot
 * per submitted index, so recording costs next to nothing and needs no store of the library's (db-scheduler and
 * Quartz delete a completed one-time job's row). A job run twice (at-least-once delivery) keeps its first instant and
 * is counted once. Static because Quartz and JobRunr instantiate the job classes themselves.
 */
final class Completions {

    private static volatile Completions current;

    private final AtomicLongArray finishedNanos;
    private final CountDownLatch remaining;

    private Completions(int size) {
        this.finishedNanos = new AtomicLongArray(size);
        this.remaining = new CountDownLatch(size);
    }

    static Completions expect(int size) {
        current = new Completions(size);
        return current;
    }

    /** Called by the no-op job. */
    static void record(int index) {
        Completions c = current;
        if (c.finishedNanos.compareAndSet(index, 0, System.nanoTime())) {
            c.remaining.countDown();
        }
    }

    boolean await(long timeoutMillis) throws InterruptedException {
        return remaining.await(timeoutMillis, TimeUnit.MILLISECONDS);
    }

    /** The nanoTime each index finished at; 0 where it did not. */
    long[] finishedNanos() {
        long[] copy = new long[finishedNanos.length()];
        for (int i = 0; i < copy.length; i++) {
            copy[i] = finishedNanos.get(i);
        }
        return copy;
    }
}
