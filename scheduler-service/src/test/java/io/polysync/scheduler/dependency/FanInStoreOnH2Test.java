package io.polysync.scheduler.dependency;

import io.polysync.model.event.TaskDefinitionChanged;
import io.polysync.model.task.DependencySnapshot;
import io.polysync.model.task.TaskSnapshot;
import io.polysync.model.task.OutputMapping;
import io.polysync.scheduler.support.H2Scheduler;
import io.polysync.scheduler.support.Tasks;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.jdbc.datasource.DataSourceTransactionManager;
import org.springframework.transaction.support.TransactionTemplate;

import javax.sql.DataSource;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.function.Supplier;

import static org.assertj.core.api.Assertions.assertThat;

/** The standalone mode runs on H2 in PostgreSQL mode: the fan-in SQL must work there as on PostgreSQL. */
class FanInStoreOnH2Test {

    private static final Instant T0 = Instant.parse("2026-11-28T10:00:00.123456Z");

    private JdbcTemplate jdbc;
    private FanInStore store;
    private TransactionTemplate tx;

    @BeforeEach
    void migrate() {
        DataSource dataSource = H2Scheduler.migrated("scheduler_fan_in");
        jdbc = new JdbcTemplate(dataSource);
        store = new FanInStore(jdbc);
        tx = new TransactionTemplate(new DataSourceTransactionManager(dataSource));
    }

    @Test
    void keepsFanInStateAcrossTransactionsAndDefinitionChanges() {
        UUID b = UUID.randomUUID();
        UUID c = UUID.randomUUID();
        UUID d = UUID.randomUUID();
        UUID bRun = UUID.randomUUID();
        UUID cRun = UUID.randomUUID();
        tx.executeWithoutResult(s -> assertThat(replace(d, 1,
                new DependencySnapshot(b, "b", List.of(new OutputMapping("left", "l"))),
                new DependencySnapshot(c, "c", List.of()))).isTrue());
        assertThat(inTx(() -> store.childrenOf(b))).containsExactly(d);

        tx.executeWithoutResult(s -> {
            FanIn fanIn = store.lock(d).orElseThrow();
            assertThat(fanIn.offer(b, new ParentSuccess(bRun, Map.of("left", "L"), T0))).isEqualTo(FanIn.Outcome.RECORDED);
            store.save(fanIn);
        });
        tx.executeWithoutResult(s -> {
            FanIn fanIn = store.lock(d).orElseThrow();
            assertThat(fanIn.edges().get(0).pending()).isEqualTo(new ParentSuccess(bRun, Map.of("left", "L"), T0));
            FanIn.Outcome outcome = fanIn.offer(c, new ParentSuccess(cRun, Map.of(), T0.plusSeconds(1)));
            assertThat(outcome).isInstanceOfSatisfying(FanIn.Outcome.Completed.class,
                    done -> assertThat(done.mappedInputs()).containsExactly(Map.entry("l", "L")));
            store.save(fanIn);
            store.markTriggered(d, cRun, T0.plusSeconds(2));
        });
        tx.executeWithoutResult(s -> {
            FanIn fanIn = store.lock(d).orElseThrow();
            assertThat(fanIn.edges()).extracting(FanIn.Edge::consumedRunId).containsExactly(bRun, cRun);
            assertThat(fanIn.offer(c, new ParentSuccess(cRun, Map.of(), T0.plusSeconds(1))))
                    .isEqualTo(FanIn.Outcome.ALREADY_SEEN);
        });

        tx.executeWithoutResult(s -> {
            assertThat(replace(d, 2, new DependencySnapshot(c, "c", List.of()))).isTrue();
            assertThat(replace(d, 1)).isFalse();
        });
        assertThat(inTx(() -> store.childrenOf(b))).isEmpty();
        tx.executeWithoutResult(s -> assertThat(store.lock(d).orElseThrow().edges())
                .singleElement().satisfies(edge -> assertThat(edge.consumedRunId()).isEqualTo(cRun)));

        tx.executeWithoutResult(s -> store.delete(List.of(d)));
        assertThat(inTx(() -> store.lock(d))).isEmpty();
        assertThat(inTx(() -> store.childrenOf(c))).isEmpty();
    }

    @Test
    void appliesAPollOfDefinitionsInBatchesAndNeverGoesBackAVersion() {
        UUID parent = UUID.randomUUID();
        UUID kept = UUID.randomUUID();
        UUID replayed = UUID.randomUUID();
        UUID fresh = UUID.randomUUID();
        tx.executeWithoutResult(s -> {
            replace(kept, 1, new DependencySnapshot(parent, "p", List.of()));
            replace(replayed, 3, new DependencySnapshot(parent, "p", List.of()));
        });

        Set<UUID> applied = inTx(() -> store.replaceDependencies(List.of(
                definition(kept, 2, new DependencySnapshot(parent, "p", List.of(new OutputMapping("o", "i")))),
                definition(replayed, 2),
                definition(fresh, 1, new DependencySnapshot(parent, "p", List.of())))));

        assertThat(applied).containsExactlyInAnyOrder(kept, fresh);
        assertThat(inTx(() -> store.childrenOf(parent))).containsExactlyInAnyOrder(kept, replayed, fresh);
        tx.executeWithoutResult(s -> assertThat(store.lock(kept).orElseThrow().edges()).singleElement()
                .satisfies(edge -> assertThat(edge.mappings()).containsExactly(new OutputMapping("o", "i"))));
    }

    @Test
    void locksAndWritesBackManyDependentsTogether() {
        UUID parent = UUID.randomUUID();
        UUID other = UUID.randomUUID();
        UUID single = UUID.randomUUID();
        UUID both = UUID.randomUUID();
        UUID unknown = UUID.randomUUID();
        UUID parentRun = UUID.randomUUID();
        tx.executeWithoutResult(s -> {
            replace(single, 1, new DependencySnapshot(parent, "p", List.of(new OutputMapping("o", "i"))));
            replace(both, 1, new DependencySnapshot(other, "x", List.of()), new DependencySnapshot(parent, "p",
                    List.of()));
        });

        tx.executeWithoutResult(s -> {
            Map<UUID, FanIn> locked = store.lockAll(List.of(both, unknown, single));
            assertThat(locked.keySet()).containsExactlyElementsOf(
                    List.of(both, single).stream().sorted(FanInStore.LOCK_ORDER).toList());
            assertThat(locked.get(both).edges()).extracting(FanIn.Edge::parentTaskId).containsExactly(other, parent);
            ParentSuccess success = new ParentSuccess(parentRun, Map.of("o", "O"), T0);
            assertThat(locked.get(single).offer(parent, success)).isInstanceOf(FanIn.Outcome.Completed.class);
            assertThat(locked.get(both).offer(parent, success)).isEqualTo(FanIn.Outcome.RECORDED);
            store.saveAll(locked.values());
            store.markTriggered(List.of(new FanInStore.Triggered(single, parentRun, T0.plusSeconds(1))));
        });

        tx.executeWithoutResult(s -> {
            assertThat(store.lock(single).orElseThrow().edges()).singleElement()
                    .satisfies(edge -> assertThat(edge.consumedRunId()).isEqualTo(parentRun));
            assertThat(store.lock(both).orElseThrow().edges()).extracting(edge -> edge.pending() == null
                    ? null : edge.pending().runId()).containsExactly(null, parentRun);
        });
        assertThat(jdbc.queryForObject("SELECT last_trigger_run_id FROM fan_in WHERE child_task_id = ?", UUID.class,
                single)).isEqualTo(parentRun);
        assertThat(jdbc.queryForObject("SELECT last_trigger_run_id FROM fan_in WHERE child_task_id = ?", UUID.class,
                both)).isNull();
    }

    /** PostgreSQL sorts these so (unsigned); Java's own UUID order would put the 8000… ones first. */
    @Test
    void theLockOrderIsTheDatabasesUuidOrder() {
        List<UUID> databaseOrder = List.of(
                UUID.fromString("00000000-0000-0000-7000-000000000000"),
                UUID.fromString("00000000-0000-0000-8000-000000000000"),
                UUID.fromString("7fffffff-0000-0000-0000-000000000000"),
                UUID.fromString("80000000-0000-0000-0000-000000000000"));
        List<UUID> shuffled = List.of(databaseOrder.get(3), databaseOrder.get(1), databaseOrder.get(2),
                databaseOrder.get(0));

        assertThat(shuffled.stream().sorted(FanInStore.LOCK_ORDER).toList()).isEqualTo(databaseOrder);
        tx.executeWithoutResult(s -> shuffled.forEach(id -> replace(id, 1)));
        assertThat(jdbc.queryForList("SELECT child_task_id FROM fan_in WHERE child_task_id IN (?, ?, ?, ?)"
                + " ORDER BY child_task_id", UUID.class, shuffled.toArray())).isEqualTo(databaseOrder);
    }

    private boolean replace(UUID child, long version, DependencySnapshot... dependencies) {
        return store.replaceDependencies(List.of(definition(child, version, dependencies))).contains(child);
    }

    private static TaskDefinitionChanged definition(UUID child, long version, DependencySnapshot... dependencies) {
        TaskSnapshot task = Tasks.task(child, version, List.of(dependencies), null);
        return TaskDefinitionChanged.of(task, T0);
    }

    private <T> T inTx(Supplier<T> work) {
        return tx.execute(status -> work.get());
    }
}
