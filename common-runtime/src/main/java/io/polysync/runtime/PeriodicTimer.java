package io.polysync.runtime;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Duration;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * One daemon thread that runs a piece of work at a fixed delay, for the services' background loops (gauges, reapers,
 * re-checks). A failed round is logged and the next one runs as planned.
 *
 * <p>{@link #stop} never interrupts a round in progress: an interrupt inside JDBC I/O closes an H2 file database for
 * every service sharing it in the standalone mode. It waits for the round to end, up to a bound, instead.
 */
public final class PeriodicTimer {

    private static final Logger log = LoggerFactory.getLogger(PeriodicTimer.class);
    private static final Duration STOP_WAIT = Duration.ofSeconds(10);

    private final String name;
    private final Runnable work;
    private volatile ScheduledExecutorService executor;

    /**
     * @param name names the thread and the log line of a failed round
     * @param work one round
     */
    public PeriodicTimer(String name, Runnable work) {
        this.name = name;
        this.work = work;
    }

    /** Starts the rounds: the first after {@code initialDelay}, then {@code delay} after the end of each. */
    public synchronized void start(Duration initialDelay, Duration delay) {
        if (executor != null) {
            return;
        }
        ScheduledExecutorService started = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread thread = new Thread(r, name);
            thread.setDaemon(true);
            return thread;
        });
        started.scheduleWithFixedDelay(this::round, initialDelay.toMillis(), delay.toMillis(), TimeUnit.MILLISECONDS);
        executor = started;
    }

    /** Runs one extra round on the timer's thread as soon as it is free; ignored when the timer is not running. */
    public void runSoon(Runnable extra) {
        ScheduledExecutorService current = executor;
        if (current != null) {
            try {
                current.execute(extra);
            } catch (RejectedExecutionException e) {
                // stopping: the round it asked for would have been the last anyway
            }
        }
    }

    /** Lets a round in progress finish (up to 10 s), then ends the thread. */
    public void stop() {
        ScheduledExecutorService stopping;
        synchronized (this) {
            stopping = executor;
            executor = null;
        }
        if (stopping == null) {
            return;
        }
        stopping.shutdown();
        try {
            if (!stopping.awaitTermination(STOP_WAIT.toMillis(), TimeUnit.MILLISECONDS)) {
                log.warn("{}: a round still runs {} after the stop; left to end on its own", name, STOP_WAIT);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    public boolean isRunning() {
        return executor != null;
    }

    private void round() {
        try {
            work.run();
        } catch (RuntimeException e) {
            log.warn("{}: round failed, trying again: {}", name, e.toString());
        }
    }
}
