package io.polysync.systemtest.harness;

import io.polysync.model.Json;
import io.polysync.systemtest.harness.Ledger.History;
import io.polysync.systemtest.harness.Ledger.Run;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import tools.jackson.databind.JsonNode;

import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.function.Function;
import java.util.stream.Collectors;

/**
 * The promises of DESIGN.md section 7, checked from the whole history once the cluster is quiet: the run ledger and
 * its status history, the read model, a full read of the trigger and run-event topics, and the effects the jobs
 * recorded. Each check answers the violations it found as sentences; none is a pass.
 *
 * <p>Pure functions over what was read, so {@code InvariantsTest} can show each check failing on a made-up history.
 */
public final class Invariants {

    private Invariants() {
    }

    /** Everything read at one moment, after the cluster went quiet. */
    public record Snapshot(List<Run> runs, List<History> history, List<Ledger.ReadModelRun> readModel,
                           List<Ledger.Permit> permits, List<String> triggerRecords, List<String> runEventRecords,
                           List<Effects.Effect> effects) {

        public static Snapshot read(SystemCluster cluster) {
            return read(cluster.ledger(), cluster.topics(), cluster.effects());
        }

        public static Snapshot read(Ledger ledger, TopicReader topics, Effects effects) {
            return new Snapshot(ledger.runs(), ledger.history(), ledger.readModel(), ledger.permits(),
                    values(topics.readAll("polysync.triggers")), values(topics.readAll("polysync.run-events")),
                    effects == null ? List.of() : effects.all());
        }

        private static List<String> values(List<ConsumerRecord<String, String>> records) {
            return records.stream().map(ConsumerRecord::value).filter(v -> v != null).toList();
        }

        Map<UUID, Run> runsById() {
            return runs.stream().collect(Collectors.toMap(Run::runId, Function.identity()));
        }
    }

    /** Every check below; the empty list when the history keeps every promise. */
    public static List<String> all(Snapshot s, Collection<UUID> acceptedRunIds) {
        List<String> violations = new ArrayList<>(withoutEffects(s, acceptedRunIds));
        violations.addAll(succeededRunsRanOnceByTheirClaimant(s));
        return violations;
    }

    /** Every check that needs no record of the jobs' effects: for a deployment whose jobs are not the test job. */
    public static List<String> withoutEffects(Snapshot s, Collection<UUID> acceptedRunIds) {
        List<String> violations = new ArrayList<>();
        violations.addAll(everyTriggerMadeExactlyOneRun(s));
        violations.addAll(acceptedRunsExist(s, acceptedRunIds));
        violations.addAll(everyRunEndedOnce(s));
        violations.addAll(transitionsAreMonotonic(s));
        violations.addAll(readModelAgrees(s));
        violations.addAll(runEventsAgree(s));
        violations.addAll(noPermitHeldByAFinishedRun(s));
        violations.addAll(retriesFollowFailuresOnce(s));
        return violations;
    }

    /** Invariant 1: each trigger on polysync.triggers has its run in the ledger (the unique trigger id bounds it to one). */
    public static List<String> everyTriggerMadeExactlyOneRun(Snapshot s) {
        Map<UUID, Long> runsPerTrigger = s.runs().stream()
                .collect(Collectors.groupingBy(Run::triggerId, Collectors.counting()));
        List<String> violations = new ArrayList<>();
        Set<UUID> seen = new HashSet<>();
        for (String value : s.triggerRecords()) {
            JsonNode trigger = parse(value);
            if (trigger == null || !trigger.hasNonNull("triggerId") || !trigger.hasNonNull("runId")) {
                continue; // a poison record, dead-lettered by the dispatcher; it was never accepted
            }
            UUID triggerId = UUID.fromString(trigger.path("triggerId").asString());
            if (!seen.add(triggerId)) {
                continue; // the same trigger published twice (at-least-once): still one run
            }
            long runs = runsPerTrigger.getOrDefault(triggerId, 0L);
            if (runs != 1) {
                violations.add("trigger " + triggerId + " of " + trigger.path("taskName").asString() + " made "
                        + runs + " runs");
            }
        }
        return violations;
    }

    /** Invariant 6: every run id the API answered exists in the ledger. */
    public static List<String> acceptedRunsExist(Snapshot s, Collection<UUID> acceptedRunIds) {
        Map<UUID, Run> runs = s.runsById();
        return acceptedRunIds.stream().filter(id -> !runs.containsKey(id))
                .map(id -> "accepted run " + id + " is not in the ledger").toList();
    }

    /** Invariant 2: every run is terminal and its history has exactly one terminal transition, the last one. */
    public static List<String> everyRunEndedOnce(Snapshot s) {
        Map<UUID, List<History>> transitions = transitions(s);
        List<String> violations = new ArrayList<>();
        for (Run run : s.runs()) {
            if (!run.terminal()) {
                violations.add("run " + run.runId() + " of " + run.taskName() + " never ended: " + run.state());
                continue;
            }
            List<History> ts = transitions.getOrDefault(run.runId(), List.of());
            long terminal = ts.stream().filter(h -> Ledger.TERMINAL.contains(h.state())).count();
            if (terminal != 1) {
                violations.add("run " + run.runId() + " has " + terminal + " terminal transitions");
            } else if (!ts.get(ts.size() - 1).state().equals(run.state())) {
                violations.add("run " + run.runId() + " is " + run.state() + " but its last transition is "
                        + ts.get(ts.size() - 1).state());
            }
        }
        return violations;
    }

    /** Invariant 3: QUEUED, then at most one RUNNING, then the terminal state; nothing after it. */
    public static List<String> transitionsAreMonotonic(Snapshot s) {
        List<String> violations = new ArrayList<>();
        transitions(s).forEach((runId, ts) -> {
            List<String> states = ts.stream().map(History::state).toList();
            boolean ok = !states.isEmpty() && states.get(0).equals("QUEUED")
                    && (states.size() == 2 && Ledger.TERMINAL.contains(states.get(1))
                    || states.size() == 3 && states.get(1).equals("RUNNING") && Ledger.TERMINAL.contains(states.get(2))
                    || states.size() == 1);
            if (!ok) {
                violations.add("run " + runId + " went " + String.join(" -> ", states));
            }
        });
        return violations;
    }

    /** The read model the API and UI show ends where the ledger ended. */
    public static List<String> readModelAgrees(Snapshot s) {
        Map<UUID, String> shown = new HashMap<>();
        s.readModel().forEach(r -> shown.put(r.runId(), r.state()));
        List<String> violations = new ArrayList<>();
        for (Run run : s.runs()) {
            String state = shown.get(run.runId());
            if (!run.state().equals(state)) {
                violations.add("run " + run.runId() + " is " + run.state() + " in the ledger but " + state
                        + " in the read model");
            }
        }
        return violations;
    }

    /** Every run's terminal state was published, and no run-event names another terminal state for it. */
    public static List<String> runEventsAgree(Snapshot s) {
        Map<UUID, Set<String>> published = publishedTerminalStates(s);
        List<String> violations = new ArrayList<>();
        for (Run run : s.runs()) {
            Set<String> states = published.getOrDefault(run.runId(), Set.of());
            if (run.terminal() && !states.equals(Set.of(run.state()))) {
                violations.add("run " + run.runId() + " ended " + run.state() + " but run-events say " + states);
            }
        }
        return violations;
    }

    /** The terminal states each run's {@code RunStateChanged} events named on polysync.run-events. */
    public static Map<UUID, Set<String>> publishedTerminalStates(Snapshot s) {
        Map<UUID, Set<String>> published = new HashMap<>();
        for (String value : s.runEventRecords()) {
            JsonNode event = parse(value);
            if (event == null || !event.hasNonNull("runId") || !event.hasNonNull("state")) {
                continue;
            }
            String state = event.path("state").asString();
            if (Ledger.TERMINAL.contains(state)) {
                published.computeIfAbsent(UUID.fromString(event.path("runId").asString()), k -> new HashSet<>())
                        .add(state);
            }
        }
        return published;
    }

    /** Invariant 4 (no leak): a finished run holds no contention permit. */
    public static List<String> noPermitHeldByAFinishedRun(Snapshot s) {
        Map<UUID, Run> runs = s.runsById();
        return s.permits().stream()
                .filter(p -> runs.get(p.runId()) == null || runs.get(p.runId()).terminal())
                .map(p -> "permit of " + p.profile() + " still held by finished run " + p.runId()).toList();
    }

    /**
     * Double execution shows in the effects: a SUCCEEDED run finished its job exactly once, on the worker that
     * claimed it.
     */
    public static List<String> succeededRunsRanOnceByTheirClaimant(Snapshot s) {
        Map<UUID, List<Effects.Effect>> ends = s.effects().stream().filter(Effects.Effect::isEnd)
                .collect(Collectors.groupingBy(Effects.Effect::runId));
        List<String> violations = new ArrayList<>();
        for (Run run : s.runs()) {
            if (!run.state().equals("SUCCEEDED")) {
                continue;
            }
            List<Effects.Effect> done = ends.getOrDefault(run.runId(), List.of());
            if (done.size() != 1 || !done.get(0).node().equals(run.claimedBy())) {
                violations.add("succeeded run " + run.runId() + " of " + run.taskName() + " (claimed by "
                        + run.claimedBy() + ") finished its job " + done.size() + " times: " + done);
            }
        }
        return violations;
    }

    /** Invariant 5: no run is retried twice, and a retry is the next attempt of the run it retries. */
    public static List<String> retriesFollowFailuresOnce(Snapshot s) {
        Map<UUID, Run> runs = s.runsById();
        Map<UUID, List<Run>> retries = s.runs().stream().filter(r -> r.retryOf() != null)
                .collect(Collectors.groupingBy(Run::retryOf));
        List<String> violations = new ArrayList<>();
        retries.forEach((previous, next) -> {
            Run failed = runs.get(previous);
            if (next.size() > 1) {
                violations.add("run " + previous + " was retried " + next.size() + " times");
            }
            if (failed == null || !failed.state().equals("FAILED")) {
                violations.add("run " + previous + " was retried but is " + (failed == null ? "unknown" : failed.state()));
            } else if (next.get(0).attempt() != failed.attempt() + 1) {
                violations.add("retry " + next.get(0).runId() + " is attempt " + next.get(0).attempt() + " of attempt "
                        + failed.attempt());
            }
        });
        return violations;
    }

    /**
     * Invariant 4 (limits): the most runs of the given tasks admitted at any one instant, from the ledger's admitted
     * and finished times. A run ends its hold when it finishes; one admitted at the same instant counts after it.
     */
    public static int peakConcurrency(Snapshot s, Set<String> taskNames) {
        List<Map.Entry<Instant, Integer>> changes = new ArrayList<>();
        for (Run run : s.runs()) {
            if (!taskNames.contains(run.taskName()) || run.admittedAt() == null) {
                continue;
            }
            changes.add(Map.entry(run.admittedAt(), 1));
            changes.add(Map.entry(run.finishedAt() == null ? Instant.MAX : run.finishedAt(), -1));
        }
        changes.sort(Comparator.<Map.Entry<Instant, Integer>, Instant>comparing(Map.Entry::getKey)
                .thenComparing(Map.Entry::getValue));
        int current = 0;
        int peak = 0;
        for (Map.Entry<Instant, Integer> change : changes) {
            current += change.getValue();
            peak = Math.max(peak, current);
        }
        return peak;
    }

    /** The chains of attempts (first run and its retries) of one task, each from its first attempt. */
    public static Map<UUID, List<Run>> attemptChains(Snapshot s, String taskName) {
        Map<UUID, Run> byRetryOf = new HashMap<>();
        s.runs().stream().filter(r -> r.retryOf() != null).forEach(r -> byRetryOf.put(r.retryOf(), r));
        Map<UUID, List<Run>> chains = new LinkedHashMap<>();
        s.runs().stream().filter(r -> r.taskName().equals(taskName) && r.retryOf() == null)
                .sorted(Comparator.comparing(Run::queuedAt)).forEach(first -> {
                    List<Run> chain = new ArrayList<>();
                    for (Run r = first; r != null; r = byRetryOf.get(r.runId())) {
                        chain.add(r);
                    }
                    chains.put(first.runId(), chain);
                });
        return chains;
    }

    private static Map<UUID, List<History>> transitions(Snapshot s) {
        return s.history().stream().filter(h -> "TRANSITION".equals(h.kind()))
                .collect(Collectors.groupingBy(History::runId, LinkedHashMap::new, Collectors.toList()));
    }

    private static JsonNode parse(String value) {
        try {
            JsonNode node = Json.tree(value);
            return node != null && node.isObject() ? node : null;
        } catch (RuntimeException e) {
            return null;
        }
    }
}
