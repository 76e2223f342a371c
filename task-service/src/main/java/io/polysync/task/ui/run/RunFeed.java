package io.polysync.task.ui.run;

import io.polysync.runtime.PeriodicTimer;
import io.polysync.task.config.TaskServiceProperties;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.context.SmartLifecycle;
import org.springframework.data.domain.PageRequest;
import org.springframework.stereotype.Component;

import java.io.IOException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Predicate;

/**
 * The live feed of run changes behind every open runs page. One poller per JVM reads the read model, not Kafka:
 * with several replicas each consumer sees only some partitions, but every replica's writes land in the same table.
 * While anyone listens, each look is one indexed query for all listeners, whatever their number.
 *
 * <p>A change stamped by a lagging clock or committed after a later-stamped one may arrive with a stamp before the
 * last look; so a caught-up look reaches back {@code overlap} and drops what it already sent (same run, same row
 * version). A look that fills its page continues strictly after the last change read, so a burst larger than a page
 * is read through rather than re-read. Listeners see each change at least once after they subscribe; what changed
 * before they subscribed is theirs to read (the page does, when its stream opens).
 */
@Component
public class RunFeed implements SmartLifecycle {

    /** Receives the changes a subscription's filter accepts. Called from the poller thread, one call at a time. */
    public interface Listener {

        void changed(RunChange change) throws IOException;

        /** Nothing was sent for a while: a write that finds a closed connection ends the subscription. */
        void quiet() throws IOException;
    }

    /** Ends a subscription; calling it again does nothing. */
    public interface Subscription {
        void cancel();
    }

    private static final Logger log = LoggerFactory.getLogger(RunFeed.class);

    private record Subscriber(Predicate<RunChange> filter, Listener listener) {
    }

    private final RunChanges changes;
    private final Clock clock;
    private final TaskServiceProperties.RunFeed settings;
    private final List<Subscriber> subscribers = new CopyOnWriteArrayList<>();
    /** Changes already sent whose stamps a caught-up look can still reach, by run. */
    private final Map<UUID, RunChange> sent = new HashMap<>();
    private Instant newestStamp;
    private RunChange lastRead;
    private boolean caughtUp = true;
    private Instant lastSent;
    /** Never interrupts a look: an interrupt inside H2's file I/O closes the database under every other user. */
    private final PeriodicTimer timer = new PeriodicTimer("run-feed", this::look);

    public RunFeed(RunChanges changes, Clock clock, TaskServiceProperties properties) {
        this.changes = changes;
        this.clock = clock;
        this.settings = properties.runFeed();
    }

    /** Sends {@code listener} every change {@code filter} accepts from the next look on. */
    public Subscription subscribe(Predicate<RunChange> filter, Listener listener) {
        Subscriber subscriber = new Subscriber(filter, listener);
        subscribers.add(subscriber);
        return () -> subscribers.remove(subscriber);
    }

    public int subscribers() {
        return subscribers.size();
    }

    /** One look: reads the changes since the last and hands each to the listeners that want it. */
    public synchronized void look() {
        if (subscribers.isEmpty()) {
            forget();
            return;
        }
        Instant now = clock.instant();
        if (newestStamp == null) {
            newestStamp = now;
            lastSent = now;
        }
        int max = settings.maxChangesPerLook();
        List<RunChange> read = caughtUp || lastRead == null
                ? changes.after(newestStamp.minus(settings.overlap()), PageRequest.of(0, max))
                : changes.afterKey(lastRead.updatedAt(), lastRead.runId(), PageRequest.of(0, max));
        caughtUp = read.size() < max;
        boolean anySent = false;
        for (RunChange change : read) {
            lastRead = change;
            if (change.updatedAt().isAfter(newestStamp)) {
                newestStamp = change.updatedAt();
            }
            RunChange previous = sent.get(change.runId());
            if (previous == null || previous.rowVersion() < change.rowVersion()) {
                sent.put(change.runId(), change);
                anySent |= deliver(change);
            }
        }
        Instant unreachable = newestStamp.minus(settings.overlap());
        sent.values().removeIf(change -> change.updatedAt().isBefore(unreachable));
        if (anySent) {
            lastSent = now;
        } else if (Duration.between(lastSent, now).compareTo(settings.heartbeat()) >= 0) {
            lastSent = now;
            subscribers.forEach(this::heartbeat);
        }
    }

    private boolean deliver(RunChange change) {
        boolean delivered = false;
        for (Subscriber subscriber : subscribers) {
            if (subscriber.filter().test(change)) {
                try {
                    subscriber.listener().changed(change);
                    delivered = true;
                } catch (IOException | RuntimeException gone) {
                    drop(subscriber, gone);
                }
            }
        }
        return delivered;
    }

    private void heartbeat(Subscriber subscriber) {
        try {
            subscriber.listener().quiet();
        } catch (IOException | RuntimeException gone) {
            drop(subscriber, gone);
        }
    }

    private void drop(Subscriber subscriber, Exception why) {
        subscribers.remove(subscriber);
        log.debug("run feed listener dropped: {}", why.toString());
    }

    /** Nobody listens: the next subscriber starts from its own present. */
    private void forget() {
        sent.clear();
        newestStamp = null;
        lastRead = null;
        caughtUp = true;
    }

    @Override
    public void start() {
        timer.start(settings.interval(), settings.interval());
    }

    @Override
    public void stop() {
        timer.stop();
    }

    @Override
    public boolean isRunning() {
        return timer.isRunning();
    }
}
