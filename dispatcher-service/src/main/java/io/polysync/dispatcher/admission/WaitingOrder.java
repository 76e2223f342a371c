package io.polysync.dispatcher.admission;

import java.time.Duration;
import java.time.Instant;
import java.util.Comparator;
import java.util.UUID;

/**
 * The order in which waiting runs are considered: effective priority (priority plus ageing, capped at 100) first,
 * then queue time, so a low-priority run climbs while it waits and is never starved for ever.
 */
public final class WaitingOrder {

    public static final int MAX_PRIORITY = 100;

    /** A run waiting for admission, as the order sees it. */
    public record Waiting(UUID runId, int priority, Instant queuedAt) {
    }

    private WaitingOrder() {
    }

    public static int effectivePriority(int priority, Instant queuedAt, Instant now, double ageingPerMinute) {
        long waitedMillis = Math.max(0, Duration.between(queuedAt, now).toMillis());
        long bonus = (long) Math.floor(ageingPerMinute * waitedMillis / 60_000.0);
        return (int) Math.max(priority, Math.min(MAX_PRIORITY, priority + bonus));
    }

    /**
     * Whether {@code waiting} goes before {@code newcomer} at {@code now}: a higher effective priority, or the same
     * one and queued no later. A run already waiting wins a tie of queue times.
     */
    public static boolean goesBefore(Waiting waiting, Waiting newcomer, Instant now, double ageingPerMinute) {
        int theirs = effectivePriority(waiting.priority(), waiting.queuedAt(), now, ageingPerMinute);
        int mine = effectivePriority(newcomer.priority(), newcomer.queuedAt(), now, ageingPerMinute);
        return theirs > mine || theirs == mine && !waiting.queuedAt().isAfter(newcomer.queuedAt());
    }

    /** Highest effective priority first; among equals the one queued first. */
    public static Comparator<Waiting> at(Instant now, double ageingPerMinute) {
        Comparator<Waiting> byEffective = Comparator.comparingInt(
                w -> effectivePriority(w.priority(), w.queuedAt(), now, ageingPerMinute));
        return byEffective.reversed()
                .thenComparing(Waiting::queuedAt)
                .thenComparing(Waiting::runId);
    }
}
