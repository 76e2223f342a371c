package io.polysync.dispatcher.admission;

import io.polysync.model.task.ContentionProfileSnapshot.RateLimit;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;

/**
 * Whether a run may be admitted now, all or nothing: its task's max concurrent runs first, then every linked
 * contention profile in the given order (concurrency, then rate). The first gate that is closed is the reason it
 * waits, in the exact phrasing the product shows.
 */
public final class AdmissionDecision {

    /**
     * A contention profile as seen under its lock.
     *
     * @param maxConcurrent the limit on admitted, unfinished runs; null for none
     * @param inUse         permits currently held
     * @param rateLimit     null for none
     * @param admissions    recent admission instants (for the rate limit)
     */
    public record ProfileState(String name, Integer maxConcurrent, int inUse, RateLimit rateLimit,
                               List<Instant> admissions) {

        public ProfileState {
            admissions = admissions == null ? List.of() : List.copyOf(admissions);
        }
    }

    /** The outcome: admit, or wait for the reason given. */
    public sealed interface Outcome {

        record Admit() implements Outcome {
        }

        /** @param profile the contention profile whose gate is closed; null when the task's own limit is */
        record Wait(String reason, String profile) implements Outcome {

            Wait(String reason) {
                this(reason, null);
            }
        }
    }

    private AdmissionDecision() {
    }

    /**
     * @param maxConcurrentRuns the task's limit; null for unlimited
     * @param taskInUse         the task's admitted, unfinished runs
     */
    public static Outcome decide(Integer maxConcurrentRuns, int taskInUse, List<ProfileState> profiles, Instant now) {
        if (maxConcurrentRuns != null && taskInUse >= maxConcurrentRuns) {
            return new Outcome.Wait("max concurrent runs " + maxConcurrentRuns + " reached");
        }
        for (ProfileState profile : profiles) {
            if (profile.maxConcurrent() != null && profile.inUse() >= profile.maxConcurrent()) {
                return new Outcome.Wait("profile " + profile.name() + ": " + profile.inUse() + " of "
                        + profile.maxConcurrent() + " in use", profile.name());
            }
            RateLimit rate = profile.rateLimit();
            if (rate != null) {
                Optional<Instant> next = SlidingWindow.nextSlot(profile.admissions(), rate.runs(), rate.per(), now);
                if (next.isPresent()) {
                    return new Outcome.Wait("profile " + profile.name() + ": rate " + rate.runs() + "/"
                            + period(rate.per()) + " reached, next slot at " + next.get(), profile.name());
                }
            }
        }
        return new Outcome.Admit();
    }

    /** A rate period as people write it: "min", "h", "s", "d" for one unit, else "30s", "5min", "1500ms". */
    static String period(Duration per) {
        if (per.equals(Duration.ofSeconds(1))) {
            return "s";
        }
        if (per.equals(Duration.ofMinutes(1))) {
            return "min";
        }
        if (per.equals(Duration.ofHours(1))) {
            return "h";
        }
        if (per.equals(Duration.ofDays(1))) {
            return "d";
        }
        if (per.toMillis() % 3_600_000 == 0) {
            return per.toHours() + "h";
        }
        if (per.toMillis() % 60_000 == 0) {
            return per.toMinutes() + "min";
        }
        if (per.toMillis() % 1_000 == 0) {
            return per.toSeconds() + "s";
        }
        return per.toMillis() + "ms";
    }
}
