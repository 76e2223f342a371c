package io.polysync.worker.execution;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Future;

/**
 * The runs this worker executes right now, and the ids of runs it was recently asked to cancel. A cancel that
 * arrives before its run is taken is remembered (bounded, oldest forgotten first), so the run is skipped when it
 * comes. Thread-safe: cancels come from the command listener, runs from the slots.
 */
final class InFlightRuns {

    private static final Logger log = LoggerFactory.getLogger(InFlightRuns.class);

    /** Why a run was stopped before its job finished. */
    enum Stop { CANCELLED, SHUTDOWN }

    private final Map<UUID, Attempt> running = new ConcurrentHashMap<>();
    private final Set<UUID> cancelled;
    private volatile boolean shuttingDown;

    InFlightRuns(int rememberedCancels) {
        this.cancelled = Collections.newSetFromMap(new LinkedHashMap<>(16, 0.75f, false) {
            @Override
            protected boolean removeEldestEntry(Map.Entry<UUID, Boolean> eldest) {
                return size() > rememberedCancels;
            }
        });
    }

    /**
     * Registers the run as executing; the attempt is already stopped when the run was cancelled beforehand. A run
     * that executes here already (delivered to a second slot, its partition handed over before its commit landed)
     * is registered only once that execution unregistered: one job per run at a time.
     */
    Attempt register(UUID runId) throws InterruptedException {
        Attempt attempt = new Attempt();
        Attempt earlier;
        while ((earlier = running.putIfAbsent(runId, attempt)) != null) {
            log.info("Run {} delivered again while it executes here; waits for that execution", runId);
            earlier.released.await();
        }
        // registered first, checked second: a cancel racing with this sees either the attempt or the id
        if (wasCancelled(runId)) {
            attempt.stop(Stop.CANCELLED);
        } else if (shuttingDown) {
            attempt.stop(Stop.SHUTDOWN);
        }
        return attempt;
    }

    void unregister(UUID runId, Attempt attempt) {
        running.remove(runId, attempt);
        attempt.released.countDown();
    }

    /** Remembers the cancel and stops the run if it executes here; true when it did. */
    boolean cancel(UUID runId) {
        synchronized (cancelled) {
            cancelled.add(runId);
        }
        Attempt attempt = running.get(runId);
        if (attempt == null) {
            return false;
        }
        attempt.stop(Stop.CANCELLED);
        return true;
    }

    /**
     * Stops every executing run because the worker shuts down, and any run registered from now on; returns how many
     * were executing.
     */
    int stopAll() {
        shuttingDown = true;
        // counted while stopping: a stopped run unregisters at once, so the map's size afterwards may be smaller
        int stopped = 0;
        for (Attempt attempt : running.values()) {
            attempt.stop(Stop.SHUTDOWN);
            stopped++;
        }
        return stopped;
    }

    private boolean wasCancelled(UUID runId) {
        synchronized (cancelled) {
            return cancelled.contains(runId);
        }
    }

    /** One execution of a run; stopping it interrupts its job, now or as soon as the job is started. */
    static final class Attempt {

        private Stop stop;
        private Future<?> job;
        /** Counted down once unregistered, for a second delivery of the run waiting to register. */
        private final CountDownLatch released = new CountDownLatch(1);

        synchronized void stop(Stop reason) {
            if (stop == null) {
                stop = reason;
            }
            if (job != null) {
                job.cancel(true);
            }
        }

        synchronized void started(Future<?> job) {
            this.job = job;
            if (stop != null) {
                job.cancel(true);
            }
        }

        synchronized Stop stopped() {
            return stop;
        }
    }
}
