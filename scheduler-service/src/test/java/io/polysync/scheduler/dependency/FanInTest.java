package io.polysync.scheduler.dependency;

import io.polysync.model.task.OutputMapping;
import org.junit.jupiter.api.Test;

import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import static org.assertj.core.api.Assertions.assertThat;

class FanInTest {

    private static final Instant T0 = Instant.parse("2026-11-28T10:00:00Z");

    private final UUID a = UUID.randomUUID();
    private final UUID b = UUID.randomUUID();
    private final UUID c = UUID.randomUUID();
    private final UUID d = UUID.randomUUID();
    private final UUID e = UUID.randomUUID();

    /** The dependents by id, as the reverse index would find them, with their fan-in state kept across offers. */
    private final Map<UUID, FanIn> graph = new LinkedHashMap<>();

    @Test
    void aSingleParentTriggersItsChildWithTheMappedOutputs() {
        graph.put(b, new FanIn(b, List.of(FanIn.Edge.fresh(a, List.of(new OutputMapping("day", "date"))))));

        List<Trigger> triggered = succeed(a, run(1), Map.of("day", "2026-11-28", "rows", 10));

        assertThat(triggered).containsExactly(new Trigger(b, Map.of("date", "2026-11-28")));
    }

    @Test
    void aCopyKeepsTheStateAndChangesOfItsOriginalButNotItsLaterOffers() {
        FanIn original = new FanIn(d, List.of(FanIn.Edge.fresh(a, List.of()), FanIn.Edge.fresh(b, List.of())));
        assertThat(original.offer(a, success(run(1), Map.of()))).isEqualTo(FanIn.Outcome.RECORDED);

        FanIn copy = original.copy();
        assertThat(original.offer(b, success(run(2), Map.of()))).isInstanceOf(FanIn.Outcome.Completed.class);

        assertThat(copy.edges()).extracting(FanIn.Edge::changed).containsExactly(true, false);
        assertThat(copy.edges()).extracting(edge -> edge.pending() == null ? null : edge.pending().runId())
                .containsExactly(run(1).id(), null);
        assertThat(copy.offer(b, success(run(3), Map.of()))).isInstanceOf(FanIn.Outcome.Completed.class);
    }

    @Test
    void fanOutTriggersEveryChild() {
        graph.put(b, new FanIn(b, List.of(FanIn.Edge.fresh(a, List.of()))));
        graph.put(c, new FanIn(c, List.of(FanIn.Edge.fresh(a, List.of(new OutputMapping("x", "y"))))));

        List<Trigger> triggered = succeed(a, run(1), Map.of("x", 1));

        assertThat(triggered).containsExactlyInAnyOrder(new Trigger(b, Map.of()), new Trigger(c, Map.of("y", 1)));
    }

    @Test
    void aDiamondTriggersItsSinkOncePerRunOfItsSource() {
        diamond();

        for (int round = 0; round < 2; round++) {
            int base = round * 10;
            List<Trigger> fromA = succeed(a, run(base + 1), Map.of());
            assertThat(fromA).extracting(Trigger::child).containsExactlyInAnyOrder(b, c);
            assertThat(succeed(b, run(base + 2), Map.of("left", "L" + round))).isEmpty();
            assertThat(succeed(c, run(base + 3), Map.of("right", "R" + round)))
                    .containsExactly(new Trigger(d, Map.of("l", "L" + round, "r", "R" + round)));
        }
    }

    @Test
    void aReplayedOrDuplicatedSuccessTriggersNothingMore() {
        diamond();
        succeed(b, run(2), Map.of("left", "L"));
        assertThat(succeed(b, run(2), Map.of("left", "L"))).isEmpty();
        assertThat(succeed(c, run(3), Map.of("right", "R"))).hasSize(1);

        assertThat(succeed(c, run(3), Map.of("right", "R"))).isEmpty();
        assertThat(succeed(b, run(2), Map.of("left", "L"))).isEmpty();
        assertThat(graph.get(d).offer(b, success(run(2), Map.of()))).isEqualTo(FanIn.Outcome.ALREADY_SEEN);
        assertThat(graph.get(d).edges()).allSatisfy(edge -> assertThat(edge.pending()).isNull());
    }

    @Test
    void waitsForTheMissingParentAndKeepsOnlyTheNewestSuccessOfTheOther() {
        diamond();
        succeed(b, run(2), Map.of("left", "old"));
        assertThat(succeed(b, run(4), Map.of("left", "new"))).isEmpty();
        assertThat(graph.get(d).offer(b, success(run(1), Map.of()))).isEqualTo(FanIn.Outcome.ALREADY_SEEN);

        assertThat(succeed(c, run(5), Map.of("right", "R"))).containsExactly(new Trigger(d, Map.of("l", "new", "r", "R")));
    }

    @Test
    void aMissingOutputIsAbsentFromTheInputs() {
        diamond();
        succeed(b, run(2), Map.of());

        assertThat(succeed(c, run(3), Map.of("right", "R"))).containsExactly(new Trigger(d, Map.of("r", "R")));
    }

    @Test
    void aTaskThatIsNoLongerAParentIsIgnored() {
        graph.put(d, new FanIn(d, List.of(FanIn.Edge.fresh(c, List.of()))));

        assertThat(graph.get(d).offer(b, success(run(1), Map.of()))).isEqualTo(FanIn.Outcome.NOT_A_PARENT);
        assertThat(graph.get(d).edges()).noneMatch(FanIn.Edge::changed);
    }

    @Test
    void theCompletionReportsEachConsumedParentRun() {
        graph.put(e, new FanIn(e, List.of(FanIn.Edge.fresh(b, List.of()), FanIn.Edge.fresh(c, List.of()))));
        UUID bRun = UUID.randomUUID();
        UUID cRun = UUID.randomUUID();
        graph.get(e).offer(b, success(bRun, T0, Map.of()));

        FanIn.Outcome outcome = graph.get(e).offer(c, success(cRun, T0.plusSeconds(1), Map.of()));

        assertThat(outcome).isInstanceOfSatisfying(FanIn.Outcome.Completed.class,
                done -> assertThat(done.consumedRuns()).containsExactly(Map.entry(b, bRun), Map.entry(c, cRun)));
        assertThat(graph.get(e).edges()).extracting(FanIn.Edge::consumedRunId).containsExactly(bRun, cRun);
    }

    /** A → B, A → C, {B, C} → D, with B's "left" mapped to D's "l" and C's "right" to "r". */
    private void diamond() {
        graph.put(b, new FanIn(b, List.of(FanIn.Edge.fresh(a, List.of()))));
        graph.put(c, new FanIn(c, List.of(FanIn.Edge.fresh(a, List.of()))));
        graph.put(d, new FanIn(d, List.of(
                FanIn.Edge.fresh(b, List.of(new OutputMapping("left", "l"))),
                FanIn.Edge.fresh(c, List.of(new OutputMapping("right", "r"))))));
    }

    /** What DependencyTriggers does for one success: offer it to every dependent of the parent. */
    private List<Trigger> succeed(UUID parent, Run run, Map<String, Object> outputs) {
        List<Trigger> triggered = new ArrayList<>();
        for (FanIn fanIn : graph.values()) {
            if (fanIn.edges().stream().anyMatch(edge -> edge.parentTaskId().equals(parent))
                    && fanIn.offer(parent, success(run.id, run.finishedAt, outputs)) instanceof FanIn.Outcome.Completed done) {
                triggered.add(new Trigger(fanIn.childTaskId(), done.mappedInputs()));
            }
        }
        return triggered;
    }

    private final Map<Integer, Run> runs = new LinkedHashMap<>();

    /** Run number n finished n seconds after T0; the same number is the same run. */
    private Run run(int n) {
        return runs.computeIfAbsent(n, k -> new Run(UUID.randomUUID(), T0.plusSeconds(k)));
    }

    private ParentSuccess success(Run run, Map<String, Object> outputs) {
        return success(run.id, run.finishedAt, outputs);
    }

    private static ParentSuccess success(UUID runId, Instant finishedAt, Map<String, Object> outputs) {
        return new ParentSuccess(runId, outputs, finishedAt);
    }

    private record Run(UUID id, Instant finishedAt) {
    }

    private record Trigger(UUID child, Map<String, Object> inputs) {
    }
}
