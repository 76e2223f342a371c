package io.polysync.scheduler.dependency;

import io.polysync.model.task.OutputMapping;

import java.time.Instant;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

/**
 * The fan-in state of one dependent task (DESIGN.md section 6): per parent, the outputs it maps, its newest success
 * not yet consumed by a DEPENDENCY trigger, and the last success that was. When every parent holds an unconsumed
 * success, the dependent is due once, with those successes' outputs mapped, and all of them are consumed.
 *
 * <p>Offers are idempotent: a success already held, consumed, or not newer than what the edge already holds changes
 * nothing, so a duplicated or replayed event never triggers twice.
 */
public final class FanIn {

    private final UUID childTaskId;
    private final List<Edge> edges;

    public FanIn(UUID childTaskId, List<Edge> edges) {
        this.childTaskId = childTaskId;
        this.edges = List.copyOf(edges);
    }

    public UUID childTaskId() {
        return childTaskId;
    }

    /** The edges in the order the dependent's definition lists its parents. */
    public List<Edge> edges() {
        return edges;
    }

    /** A copy with the same state, changes included, that later offers to this one leave alone. */
    public FanIn copy() {
        return new FanIn(childTaskId, edges.stream().map(Edge::copy).toList());
    }

    /** Records a success of {@code parentTaskId} and says whether it completed the fan-in. */
    public Outcome offer(UUID parentTaskId, ParentSuccess success) {
        Edge edge = edges.stream().filter(e -> e.parentTaskId.equals(parentTaskId)).findFirst().orElse(null);
        if (edge == null) {
            return Outcome.NOT_A_PARENT;
        }
        if (edge.alreadyHolds(success)) {
            return Outcome.ALREADY_SEEN;
        }
        edge.pending = success;
        edge.changed = true;
        if (edges.stream().anyMatch(e -> e.pending == null)) {
            return Outcome.RECORDED;
        }
        return new Outcome.Completed(mappedInputs(), consumeAll());
    }

    /** Each parent's mappings applied to its pending success; a missing output is simply absent (rule 13). */
    private Map<String, Object> mappedInputs() {
        Map<String, Object> inputs = new LinkedHashMap<>();
        for (Edge edge : edges) {
            for (OutputMapping mapping : edge.mappings) {
                if (edge.pending.outputs().containsKey(mapping.output())) {
                    inputs.put(mapping.input(), edge.pending.outputs().get(mapping.output()));
                }
            }
        }
        return Collections.unmodifiableMap(inputs);
    }

    private Map<UUID, UUID> consumeAll() {
        Map<UUID, UUID> consumed = new LinkedHashMap<>();
        for (Edge edge : edges) {
            consumed.put(edge.parentTaskId, edge.pending.runId());
            edge.consumedRunId = edge.pending.runId();
            edge.consumedFinishedAt = edge.pending.finishedAt();
            edge.pending = null;
            edge.changed = true;
        }
        return consumed;
    }

    /** What an offer did. */
    public sealed interface Outcome permits Outcome.Ignored, Outcome.Recorded, Outcome.Completed {

        Ignored NOT_A_PARENT = new Ignored("not a parent of this task");
        Ignored ALREADY_SEEN = new Ignored("already recorded, consumed or superseded");
        Recorded RECORDED = new Recorded();

        /** Nothing changed. */
        record Ignored(String why) implements Outcome {
        }

        /** The success is held; some parent still has none. */
        record Recorded() implements Outcome {
        }

        /**
         * Every parent has succeeded: trigger the dependent with these inputs.
         *
         * @param consumedRuns parent task → the run consumed for it
         */
        record Completed(Map<String, Object> mappedInputs, Map<UUID, UUID> consumedRuns) implements Outcome {
        }
    }

    /** One parent of the dependent and its fan-in state. */
    public static final class Edge {

        private final UUID parentTaskId;
        private final List<OutputMapping> mappings;
        private ParentSuccess pending;
        private UUID consumedRunId;
        private Instant consumedFinishedAt;
        private boolean changed;

        public Edge(UUID parentTaskId, List<OutputMapping> mappings, ParentSuccess pending, UUID consumedRunId,
                    Instant consumedFinishedAt) {
            this.parentTaskId = parentTaskId;
            this.mappings = mappings == null ? List.of() : List.copyOf(mappings);
            this.pending = pending;
            this.consumedRunId = consumedRunId;
            this.consumedFinishedAt = consumedFinishedAt;
        }

        private Edge copy() {
            Edge copy = new Edge(parentTaskId, mappings, pending, consumedRunId, consumedFinishedAt);
            copy.changed = changed;
            return copy;
        }

        public static Edge fresh(UUID parentTaskId, List<OutputMapping> mappings) {
            return new Edge(parentTaskId, mappings, null, null, null);
        }

        /**
         * Runs of one task reach run-events in the order they finished, so a success not newer than the one held or
         * consumed is a replay or was superseded; comparing instants keeps that memory to one row per edge.
         */
        private boolean alreadyHolds(ParentSuccess success) {
            if (success.runId().equals(consumedRunId)
                    || (consumedFinishedAt != null && !success.finishedAt().isAfter(consumedFinishedAt))) {
                return true;
            }
            return pending != null && (pending.runId().equals(success.runId())
                    || !success.finishedAt().isAfter(pending.finishedAt()));
        }

        public UUID parentTaskId() {
            return parentTaskId;
        }

        public List<OutputMapping> mappings() {
            return mappings;
        }

        public ParentSuccess pending() {
            return pending;
        }

        public UUID consumedRunId() {
            return consumedRunId;
        }

        public Instant consumedFinishedAt() {
            return consumedFinishedAt;
        }

        /** Whether an offer changed this edge since it was loaded. */
        public boolean changed() {
            return changed;
        }
    }
}
