package io.polysync.bench;

import io.polysync.model.Json;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Semaphore;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.LockSupport;
import java.util.stream.IntStream;
import java.util.stream.Stream;

/**
 * Scenario 2: an open-loop offered load of each configured rate for one bounded phase. Every Run Once has an
 * intended send time on a fixed schedule; latencies are measured from that instant, so a sender held up by a slow
 * API still charges the delay to the system (no coordinated omission). The measured phase follows, without a break,
 * {@code --latency-warmup} of the same load on tasks of its own, unmeasured: a "steady" load is one the JVMs have
 * compiled their paths for and the consumers have joined their groups at, not the first seconds after a start. Runs
 * not RUNNING or not SUCCEEDED when the drain timeout ends, and requests the sender never got to send, are counted
 * at their lower bound.
 */
public final class LatencyScenario implements Scenario {

    @Override
    public String name() {
        return "latency";
    }

    @Override
    public void run(Context ctx) {
        for (int rate : ctx.options().latencyRates()) {
            phase(ctx, rate);
        }
    }

    private void phase(Context ctx, int rate) {
        Options o = ctx.options();
        String scenario = name() + " @" + rate + "/s";
        String prefix = "lat" + rate + "-";
        // the warm-up's runs go to tasks of their own: no latency or backlog figure below includes them
        String warmPrefix = "warm" + rate + "-";
        int tasks = o.throughputTasks();
        ctx.createTasks(scenario, IntStream.range(0, tasks)
                .mapToObj(i -> List.of(PolysyncApi.noopTask(prefix + i, Map.of()),
                        PolysyncApi.noopTask(warmPrefix + i, Map.of())))
                .flatMap(List::stream).toList());
        int warm = (int) (rate * o.latencyWarmup().toMillis() / 1000);
        int n = (int) (rate * o.latencyPhase().toMillis() / 1000);
        Map<UUID, Instant> intended = new ConcurrentHashMap<>();
        AtomicInteger refused = new AtomicInteger();
        Semaphore inFlight = new Semaphore(o.httpConcurrency());
        Latency running = new Latency();
        Latency succeeded = new Latency();

        // one schedule without a break: the warm-up's requests, then the measured ones, whose offsets start at 0
        long warmNanos = (long) (warm * 1e9 / rate);
        long startNanos = System.nanoTime() + 500_000_000L + warmNanos;
        Instant startWall = Instant.now().plusMillis(500).plusNanos(warmNanos);
        // the sender gives up once it is a whole phase behind: a system that accepts this slowly has answered
        long stopNanos = startNanos + 2 * o.latencyPhase().toNanos();
        int sent = 0;
        for (int i = -warm; i < n; i++) {
            long offset = (long) (i * 1e9 / rate);
            long due = startNanos + offset;
            long wait = due - System.nanoTime();
            if (wait > 0) {
                LockSupport.parkNanos(wait);
            }
            if (System.nanoTime() > stopNanos) {
                break;
            }
            inFlight.acquireUninterruptibly();
            if (i < 0) {
                ctx.api().sendAsync("POST", "/api/v1/tasks/" + warmPrefix + ((i + warm) % tasks) + "/runs",
                        Map.of("idempotencyKey", warmPrefix + (i + warm))).whenComplete((r, e) -> inFlight.release());
                continue;
            }
            Instant intendedAt = startWall.plusNanos(offset);
            sent++;
            ctx.api().sendAsync("POST", "/api/v1/tasks/" + prefix + (i % tasks) + "/runs",
                    Map.of("idempotencyKey", prefix + i)).whenComplete((r, e) -> {
                try {
                    if (r != null && r.ok()) {
                        intended.put(UUID.fromString(Json.tree(r.body()).path("runId").asString()), intendedAt);
                    } else {
                        refused.incrementAndGet();
                    }
                } finally {
                    // released last: the phase ends when every permit is back, and every answer must be counted then
                    inFlight.release();
                }
            });
        }
        inFlight.acquireUninterruptibly(o.httpConcurrency());
        inFlight.release(o.httpConcurrency());
        Instant phaseEnd = Instant.now();
        for (int i = sent; i < n; i++) {
            Duration behind = Duration.between(startWall.plusNanos((long) (i * 1e9 / rate)), phaseEnd);
            running.recordAtLeast(behind);
            succeeded.recordAtLeast(behind);
        }

        long accepted = intended.size();
        ctx.awaitCount(scenario + " runs SUCCEEDED", () -> ctx.db().runs(prefix, "SUCCEEDED"), accepted,
                o.drainTimeout());
        Instant drainEnd = Instant.now();
        List<Database.RunTimes> times = ctx.db().runTimes(prefix);
        long completedInPhase = 0;
        for (Database.RunTimes t : times) {
            Instant from = intended.get(t.runId());
            if (from == null) {
                continue;
            }
            record(running, from, t.runningRecorded(), drainEnd);
            record(succeeded, from, t.succeededRecorded(), drainEnd);
        }
        // what the system completed while offered the rate: the warm-up's runs it was still working off count too
        for (Database.RunTimes t : Stream.concat(times.stream(), ctx.db().runTimes(warmPrefix).stream()).toList()) {
            Instant done = t.succeededRecorded();
            if (done != null && !done.isBefore(startWall) && !done.isAfter(phaseEnd)) {
                completedInPhase++;
            }
        }
        ctx.report().add(scenario, "intended send → RUNNING recorded, p50", "latency.running.p50",
                running.percentileMillis(50), "ms", running.summary());
        ctx.report().add(scenario, "intended send → RUNNING recorded, p99", "latency.running.p99@" + rate,
                running.percentileMillis(99), "ms", null);
        ctx.report().add(scenario, "intended send → SUCCEEDED recorded, p50", "latency.succeeded.p50",
                succeeded.percentileMillis(50), "ms", succeeded.summary());
        ctx.report().add(scenario, "intended send → SUCCEEDED recorded, p99", "latency.succeeded.p99",
                succeeded.percentileMillis(99), "ms", null);
        double phaseSeconds = Rates.seconds(startWall, phaseEnd);
        ctx.report().add(scenario, "completion rate during the load phase (any run)", null,
                completedInPhase / phaseSeconds,
                "runs/s", "offered " + rate + " runs/s; sent " + sent + " of " + n + ", accepted " + accepted
                        + (refused.get() > 0 ? ", refused " + refused.get() : ""));
        long backlog = ctx.db().count("SELECT count(*) FROM dispatcher.task_run WHERE task_name LIKE ? "
                + "AND state IN ('QUEUED', 'RUNNING')", prefix + "%");
        ctx.report().add(scenario, "backlog after the " + o.drainTimeout().toSeconds() + " s drain timeout", "latency.backlog",
                backlog, "runs", backlog > 0 ? "the system could not keep up with " + rate + " runs/s" : null);
    }

    private static void record(Latency latency, Instant from, Instant to, Instant drainEnd) {
        if (to != null) {
            latency.record(from, to);
        } else {
            latency.recordAtLeast(Duration.between(from, drainEnd));
        }
    }
}
