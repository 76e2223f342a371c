package io.polysync.bench;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Scenario 3: dependency hand-off, parent SUCCEEDED recorded → child RUNNING recorded (both the dispatcher's
 * status history), over {@code chains} chains of {@code chain-depth} tasks and one parent with {@code fan-out}
 * children. Dependencies are declared on the child ({@code "dependencies": [{"task": parent}]}), so parents are
 * created first; only the roots are started, by Run Once: the chains' first, the fan-out's once every chain ended.
 */
public final class HandoffScenario implements Scenario {

    @Override
    public String name() {
        return "hand-off";
    }

    @Override
    public void run(Context ctx) {
        Options o = ctx.options();
        Map<String, String> parentOf = new HashMap<>();
        for (int level = 0; level < o.chainDepth(); level++) {
            List<Map<String, Object>> tasks = new ArrayList<>();
            for (int c = 0; c < o.chains(); c++) {
                String name = "chain" + c + "-" + level;
                if (level > 0) {
                    String parent = "chain" + c + "-" + (level - 1);
                    parentOf.put(name, parent);
                    tasks.add(PolysyncApi.noopTask(name, Map.of("dependencies", List.of(Map.of("task", parent)))));
                } else {
                    tasks.add(PolysyncApi.noopTask(name, Map.of()));
                }
            }
            createQuietly(ctx, tasks);
        }
        createQuietly(ctx, List.of(PolysyncApi.noopTask("fan-root", Map.of())));
        List<Map<String, Object>> children = new ArrayList<>();
        for (int i = 0; i < o.fanOut(); i++) {
            parentOf.put("fan-" + i, "fan-root");
            children.add(PolysyncApi.noopTask("fan-" + i, Map.of("dependencies", List.of(Map.of("task", "fan-root")))));
        }
        createQuietly(ctx, children);
        // the scheduler learns of the dependencies from polysync.task-definitions; give that topic time to be read
        Deployment.sleep(Duration.ofSeconds(5));

        // one shape after the other: each is measured on its own, not behind the other's runs
        for (int c = 0; c < o.chains(); c++) {
            ctx.api().create("/api/v1/tasks/chain" + c + "-0/runs", Map.of("idempotencyKey", "root-" + c));
        }
        long chainRuns = (long) o.chains() * o.chainDepth();
        ctx.awaitCount("chain runs SUCCEEDED", () -> ctx.db().runs("chain", "SUCCEEDED"), chainRuns, o.drainTimeout());
        ctx.api().create("/api/v1/tasks/fan-root/runs", Map.of("idempotencyKey", "fan-root"));
        ctx.awaitCount("fan-out runs SUCCEEDED", () -> ctx.db().runs("fan-", "SUCCEEDED"), o.fanOut() + 1L,
                o.drainTimeout());
        report(ctx, "chains (" + o.chains() + " × depth " + o.chainDepth() + ")", "chain", parentOf,
                chainRuns - o.chains());
        report(ctx, "fan-out (1 → " + o.fanOut() + ")", "fan-", parentOf, o.fanOut());
    }

    private void report(Context ctx, String shape, String prefix, Map<String, String> parentOf, long expected) {
        Map<String, Database.RunTimes> byTask = new HashMap<>();
        for (Database.RunTimes t : ctx.db().runTimes(prefix)) {
            byTask.merge(t.taskName(), t, (a, b) -> a.queuedAt().isBefore(b.queuedAt()) ? a : b);
        }
        Latency handoff = new Latency();
        for (Database.RunTimes child : byTask.values()) {
            String parent = parentOf.get(child.taskName());
            Database.RunTimes parentRun = parent == null ? null : byTask.get(parent);
            if (parentRun == null || parentRun.succeededRecorded() == null) {
                continue;
            }
            Instant running = child.runningRecorded();
            if (running != null) {
                handoff.record(parentRun.succeededRecorded(), running);
            }
        }
        String scenario = name() + " " + shape;
        String detail = handoff.summary() + (handoff.count() < expected
                ? "; only " + handoff.count() + " of " + expected + " hand-offs happened" : "");
        ctx.report().add(scenario, "parent SUCCEEDED → child RUNNING, p50", "handoff.p50",
                handoff.percentileMillis(50), "ms", detail);
        ctx.report().add(scenario, "parent SUCCEEDED → child RUNNING, p99", "handoff.p99",
                handoff.percentileMillis(99), "ms", null);
    }

    private static void createQuietly(Context ctx, List<Map<String, Object>> tasks) {
        PolysyncApi.Outcome outcome = ctx.api().each(tasks, ctx.options().createConcurrency(),
                t -> ctx.api().sendAsync("POST", "/api/v1/tasks", t), null);
        if (outcome.refused() > 0) {
            throw new IllegalStateException("creating the hand-off tasks: " + outcome.describe());
        }
    }
}
