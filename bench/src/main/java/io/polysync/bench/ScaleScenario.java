package io.polysync.bench;

import io.polysync.systemtest.harness.OsProcess;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.IntStream;

/**
 * Scenario 5: {@code scale-tasks} scheduled tasks (daily, twelve hours away, so none fires during the scenario),
 * created concurrently through the API; then the scheduler's heap and its CPU per second while idle, and a restart
 * (kill -9 and start; in standalone the whole jar) measured to ready and to the first due fire after ready, of a
 * probe task that fires every second.
 */
public final class ScaleScenario implements Scenario {

    @Override
    public String name() {
        return "scale";
    }

    @Override
    public void run(Context ctx) {
        Options o = ctx.options();
        String scenario = name() + " " + o.scaleTasks() + " scheduled tasks";
        ZonedDateTime away = Instant.now().plus(Duration.ofHours(12)).atZone(ZoneOffset.UTC);
        String cron = away.getMinute() + " " + away.getHour() + " * * *";
        ctx.createTasks(scenario, IntStream.range(0, o.scaleTasks()).mapToObj(i -> PolysyncApi.noopTask("sc-" + i,
                Map.of("schedules", List.of(Map.of("cron", cron, "timeZone", "UTC"))))).toList());

        Deployment deployment = ctx.deployment();
        OsProcess scheduler = deployment.scheduler();
        // let the creation's aftermath (definition events, outbox sweeps) settle before calling the scheduler idle
        Deployment.sleep(Duration.ofSeconds(10));
        double heap = heapMiB(deployment.schedulerMetricsUrl());
        double cpuBefore = ProcessCost.cpuSeconds(scheduler.pid());
        Map<String, Double> groupsBefore = ProcessCost.cpuSecondsByThreadGroup(scheduler.pid());
        Instant idleStart = Instant.now();
        Deployment.sleep(o.idleWindow());
        double idleCpuSeconds = ProcessCost.cpuSeconds(scheduler.pid()) - cpuBefore;
        // which threads the idle CPU went to, down to 0.5 %: in the standalone, the scheduler's own threads (schedule
        // timer, due-retry publisher), which the 100,000 tasks weigh on, are a small part of the JVM's
        String idleSplit = Cost.byThreadGroup(groupsBefore, ProcessCost.cpuSecondsByThreadGroup(scheduler.pid()),
                idleCpuSeconds, 0.005);
        double idleCpu = idleCpuSeconds / Rates.seconds(idleStart, Instant.now());
        String who = scheduler.name().equals("standalone") ? "the standalone JVM (all four services and the broker)"
                : "the scheduler";
        ctx.report().add(scenario, "heap used by " + who, "scale.heap", heap, "MiB",
                "jvm_memory_used_bytes{area=heap}, not after a forced GC");
        ctx.report().add(scenario, "CPU of " + who + " while idle", "scale.idle-cpu", idleCpu, "CPU s/s",
                "no fire due; over " + o.idleWindow().toSeconds() + " s; " + idleSplit);

        ctx.api().create("/api/v1/tasks", PolysyncApi.noopTask("probe-1", Map.of("schedules",
                List.of(Map.of("cron", "* * * * * *", "timeZone", "UTC")))));
        ctx.awaitCount("probe fires", () -> ctx.db().runs("probe-"), 1, Duration.ofSeconds(60));
        Instant killed = Instant.now();
        Instant ready = deployment.restart(scheduler);
        ctx.report().add(scenario, "restart of " + who + ": kill -9 → ready", "scale.restart-ready",
                Rates.seconds(killed, ready), "s", "/actuator/health/readiness UP");
        ctx.awaitCount("probe fire after the restart", () -> ctx.db().count(
                "SELECT count(*) FROM dispatcher.task_run r JOIN dispatcher.status_history h ON h.run_id = r.run_id "
                        + "AND h.kind = 'TRANSITION' AND h.state = 'QUEUED' WHERE r.task_name = 'probe-1' "
                        + "AND r.scheduled_for >= ?", CronScenario.ts(ready)), 1, o.drainTimeout());
        List<Database.RunTimes> probes = ctx.db().runTimes("probe-");
        Database.RunTimes first = probes.stream()
                .filter(r -> r.scheduledFor() != null && !r.scheduledFor().isBefore(ready)
                        && r.queuedRecorded() != null)
                .min((a, b) -> a.scheduledFor().compareTo(b.scheduledFor())).orElse(null);
        ctx.report().add(scenario, "first due fire after ready: its instant → QUEUED recorded", "scale.first-fire",
                first == null ? Double.NaN : Rates.seconds(first.scheduledFor(), first.queuedRecorded()) * 1000, "ms",
                first == null ? "no fire recorded" : "ready → that fire recorded: "
                        + Report.number(Rates.seconds(ready, first.queuedRecorded())) + " s; fires during the "
                        + "downtime follow the misfire policy");
        ctx.deleteTasks(List.of("probe-1"));
    }

    /** The sum of the heap pools' used bytes in a Prometheus scrape, each pool once, in MiB. */
    static double heapMiB(String url) {
        try {
            HttpResponse<String> r = HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create(url))
                    .header("Authorization", "Bearer " + PolysyncApi.ADMIN_TOKEN)
                    .timeout(Duration.ofSeconds(10)).GET().build(), HttpResponse.BodyHandlers.ofString());
            return r.statusCode() == 200 ? heapBytes(r.body()) / (1024.0 * 1024) : Double.NaN;
        } catch (Exception e) {
            return Double.NaN;
        }
    }

    static double heapBytes(String scrape) {
        Set<String> pools = new HashSet<>();
        double sum = 0;
        for (String line : scrape.split("\n")) {
            if (line.startsWith("jvm_memory_used_bytes{") && line.contains("area=\"heap\"")) {
                int id = line.indexOf("id=\"");
                String pool = id < 0 ? line : line.substring(id, line.indexOf('"', id + 4));
                if (pools.add(pool)) {
                    sum += Double.parseDouble(line.substring(line.lastIndexOf(' ') + 1));
                }
            }
        }
        return pools.isEmpty() ? Double.NaN : sum;
    }
}
