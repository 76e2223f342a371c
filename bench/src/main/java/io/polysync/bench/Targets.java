package io.polysync.bench;

import java.util.Map;

/**
 * The targets of issue 10 on a 2-core machine running everything, one per metric key. Keys name the deployment
 * ({@code .standalone}, {@code .distributed}) or the offered load ({@code @50}) where the target depends on it;
 * a figure without a key here is reported for information only.
 */
public final class Targets {

    private static final Map<String, Target> TARGETS = Map.ofEntries(
            Map.entry("throughput.rate.standalone", Target.atLeast(2000, "runs/s")),
            Map.entry("throughput.sustained.standalone", Target.atLeast(2000, "runs/s")),
            Map.entry("throughput.rate.distributed", Target.atLeast(1000, "runs/s")),
            Map.entry("throughput.sustained.distributed", Target.atLeast(1000, "runs/s")),
            Map.entry("latency.running.p99@50", Target.atMost(50, "ms")),
            Map.entry("latency.running.p99@500", Target.atMost(250, "ms")),
            Map.entry("latency.backlog", Target.atMost(0, "runs")),
            Map.entry("handoff.p99", Target.atMost(100, "ms")),
            Map.entry("cron.lateness.p99", Target.atMost(100, "ms")),
            Map.entry("cron.early", Target.atMost(0, "fires")),
            Map.entry("cron.missed", Target.atMost(0, "fires")),
            Map.entry("cron.minute.all-running", Target.atMost(10, "s")),
            Map.entry("scale.first-fire", Target.atMost(10_000, "ms")),
            Map.entry("scale.idle-cpu", Target.atMost(0.02, "CPU s/s")),
            Map.entry("cost.pg-xact", Target.atMost(2, "xact/run")));

    private Targets() {
    }

    /** The target of a metric key, or null when the figure is informative only. */
    public static Target of(String key) {
        return TARGETS.get(key);
    }
}
