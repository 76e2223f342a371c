package io.polysync.scheduler.dependency;

import io.micrometer.core.instrument.MeterRegistry;
import io.polysync.model.Topics;
import io.polysync.model.event.TriggerRequested;
import io.polysync.model.id.Ids;
import io.polysync.model.run.TriggerType;
import io.polysync.model.task.DependencySnapshot;
import io.polysync.model.task.OutputMapping;
import io.polysync.scheduler.support.SchedulerIntegrationTest;
import io.polysync.scheduler.support.Tasks;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import static io.polysync.scheduler.support.Tasks.task;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

class DependenciesIT extends SchedulerIntegrationTest {

    private static final Instant T0 = Instant.parse("2026-11-28T10:00:00Z");

    @Autowired
    MeterRegistry meters;

    @Test
    void aChildIsTriggeredWithTheMappedOutputsOfItsParent() {
        UUID a = UUID.randomUUID();
        UUID b = UUID.randomUUID();
        define(task(a, 1, List.of(), null));
        define(task(b, 3, List.of(dependsOn(a, new OutputMapping("day", "date"), new OutputMapping("missing", "x"))),
                null));
        awaitDefinition(b, 3);
        double before = meters.counter("polysync.scheduler.dependency.triggers").count();

        UUID aRun = UUID.randomUUID();
        succeed(a, aRun, 1, Map.of("day", "2026-11-28", "rows", 5));

        TriggerRequested trigger = triggersOf(b, 1).get(0);
        UUID triggerId = Ids.triggerId(b, TriggerType.DEPENDENCY, aRun.toString());
        assertThat(trigger.triggerId()).isEqualTo(triggerId);
        assertThat(trigger.runId()).isEqualTo(Ids.runId(triggerId));
        assertThat(trigger.taskName()).isEqualTo("task-" + b);
        assertThat(trigger.triggerType()).isEqualTo(TriggerType.DEPENDENCY);
        assertThat(trigger.mappedInputs()).containsExactly(Map.entry("date", "2026-11-28"));
        assertThat(trigger.overrides()).isEmpty();
        assertThat(trigger.attempt()).isEqualTo(1);
        assertThat(trigger.retryOf()).isNull();
        assertThat(trigger.definitionVersion()).isEqualTo(3);
        assertThat(trigger.requestedBy()).isEqualTo("scheduler");
        assertThat(trigger.parentSucceededAt()).as("the start of the dependency hand-off").isEqualTo(T0.plusSeconds(1));
        await().atMost(Duration.ofSeconds(10)).untilAsserted(() ->
                assertThat(meters.counter("polysync.scheduler.dependency.triggers").count()).isGreaterThan(before));
    }

    @Test
    void aDiamondTriggersItsSinkOnceAndAReplayedSuccessTriggersNothingMore() {
        UUID a = UUID.randomUUID();
        UUID b = UUID.randomUUID();
        UUID c = UUID.randomUUID();
        UUID d = UUID.randomUUID();
        UUID e = UUID.randomUUID();
        define(task(a, 1, List.of(), null));
        define(task(b, 1, List.of(dependsOn(a)), null));
        define(task(c, 1, List.of(dependsOn(a)), null));
        define(task(d, 1, List.of(dependsOn(b, new OutputMapping("left", "l")),
                dependsOn(c, new OutputMapping("right", "r"))), null));
        define(task(e, 1, List.of(dependsOn(c)), null));
        awaitDefinition(d, 1);
        awaitDefinition(e, 1);
        awaitDefinition(b, 1);
        awaitDefinition(c, 1);

        UUID aRun = UUID.randomUUID();
        succeed(a, aRun, 1, Map.of());
        assertThat(triggersOf(b, 1)).extracting(TriggerRequested::triggerId)
                .containsExactly(Ids.triggerId(b, TriggerType.DEPENDENCY, aRun.toString()));
        assertThat(triggersOf(c, 1)).extracting(TriggerRequested::triggerId)
                .containsExactly(Ids.triggerId(c, TriggerType.DEPENDENCY, aRun.toString()));

        UUID bRun = UUID.randomUUID();
        UUID cRun = UUID.randomUUID();
        succeed(b, bRun, 2, Map.of("left", "L"));
        // b's and c's successes travel on different partitions: one poll may hold c's first, and the sink is then
        // triggered by b's; the test names the one that completes the fan-in by waiting for b's to be taken in
        await().atMost(Duration.ofSeconds(30)).until(() ->
                count("SELECT COUNT(*) FROM last_success WHERE task_id = ? AND run_id = ?", b, bRun) == 1);
        succeed(c, cRun, 3, Map.of("right", "R"));
        TriggerRequested sink = triggersOf(d, 1).get(0);
        assertThat(sink.triggerId()).isEqualTo(Ids.triggerId(d, TriggerType.DEPENDENCY, cRun.toString()));
        assertThat(sink.mappedInputs()).isEqualTo(Map.of("l", "L", "r", "R"));

        succeed(b, bRun, 2, Map.of("left", "L"));
        succeed(c, cRun, 3, Map.of("right", "R"));
        UUID cNext = UUID.randomUUID();
        succeed(c, cNext, 4, Map.of("right", "R2"));

        // c's later success is behind its replay on the same partition: once e has it, the replay was handled
        assertThat(triggersOf(e, 2)).extracting(TriggerRequested::triggerId).containsExactly(
                Ids.triggerId(e, TriggerType.DEPENDENCY, cRun.toString()),
                Ids.triggerId(e, TriggerType.DEPENDENCY, cNext.toString()));
        await().during(Duration.ofSeconds(1)).atMost(Duration.ofSeconds(3))
                .until(() -> probe(Topics.TRIGGERS).seen(d.toString(), TriggerRequested.class, t -> true).size() == 1);
    }

    @Test
    void aDeletedChildOrARemovedDependencyIsNotTriggered() {
        UUID a = UUID.randomUUID();
        UUID removed = UUID.randomUUID();
        UUID deleted = UUID.randomUUID();
        UUID kept = UUID.randomUUID();
        define(task(a, 1, List.of(), null));
        define(task(removed, 1, List.of(dependsOn(a)), null));
        define(task(deleted, 1, List.of(dependsOn(a)), null));
        define(task(kept, 1, List.of(dependsOn(a)), null));
        define(task(removed, 2, List.of(), null));
        send(Topics.TASK_DEFINITIONS, deleted, null);
        awaitDefinition(removed, 2);
        awaitDefinition(kept, 1);
        await().atMost(Duration.ofSeconds(30)).until(() -> count("SELECT COUNT(*) FROM fan_in WHERE child_task_id = ?",
                deleted) == 0 && count("SELECT COUNT(*) FROM dependency_edge WHERE parent_task_id = ?", a) == 1);

        succeed(a, UUID.randomUUID(), 1, Map.of());

        assertThat(triggersOf(kept, 1)).hasSize(1);
        await().during(Duration.ofMillis(500)).atMost(Duration.ofSeconds(2)).until(() ->
                probe(Topics.TRIGGERS).seen(removed.toString(), TriggerRequested.class, t -> true).isEmpty()
                        && probe(Topics.TRIGGERS).seen(deleted.toString(), TriggerRequested.class, t -> true).isEmpty());
    }

    private static DependencySnapshot dependsOn(UUID parent, OutputMapping... mappings) {
        return new DependencySnapshot(parent, "task-" + parent, List.of(mappings));
    }

    private void succeed(UUID taskId, UUID runId, int second, Map<String, Object> outputs) {
        send(Topics.RUN_EVENTS, taskId, Tasks.succeeded(taskId, runId, T0.plusSeconds(second), outputs));
    }

    private void awaitDefinition(UUID taskId, long version) {
        await().atMost(Duration.ofSeconds(30)).until(() ->
                count("SELECT COUNT(*) FROM fan_in WHERE child_task_id = ? AND definition_version = ?", taskId, version)
                        == 1 && count("SELECT COUNT(*) FROM task_view WHERE task_id = ? AND definition_version = ?",
                        taskId, version) == 1);
    }

    private long count(String sql, Object... args) {
        Long count = jdbc.queryForObject(sql, Long.class, args);
        return count == null ? 0 : count;
    }

    private static List<TriggerRequested> triggersOf(UUID taskId, int count) {
        return probe(Topics.TRIGGERS).await(count, taskId.toString(), TriggerRequested.class, t -> true);
    }
}
