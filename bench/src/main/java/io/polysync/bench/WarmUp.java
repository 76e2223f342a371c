package io.polysync.bench;

import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Semaphore;
import java.util.concurrent.locks.LockSupport;
import java.util.stream.IntStream;

/**
 * Brings freshly started service JVMs to the state they are in after a while in service, before the first scenario
 * measures them: {@code --warmup} of an open-loop load of {@code --warmup-rate} root runs per second, every other one
 * a Run Once and the rest trigger events, each root with one dependent task, so the API, the external-trigger
 * listener, the dispatcher, the workers and the scheduler's hand-off all run their hot paths. Nothing of it is
 * measured; its tasks have a prefix of their own, and it ends once its runs are finished. Then, unless
 * {@code --warmup-burst} is 0, it offers that many runs as fast as they are accepted, as the throughput scenario does
 * (on tasks of its own, without dependents), and waits for them too.
 *
 * <p>Why: the JVMs compile with C2 for minutes. In a standalone run with {@code -XX:+PrintCompilation} (two cores),
 * the compiler still finished 2,000–4,700 compilations per 10 s between the 20th and the 100th second, and took a third
 * of the CPU of a latency scenario run straight after the throughput scenario; its 50 runs/s p99 was 100–130 ms, and
 * 29 ms with 60 s more of the same load before it.
 *
 * <p>Why the burst: a load at the accepted rate takes paths a paced one does not (batches of hundreds of records,
 * group commits of dozens of requests, every worker slot busy), and the compiler meets them only then. After 240 s of
 * the paced load alone, it still finished 1,675 and 923 compilations in the two 10 s stretches that held the
 * throughput scenario, against 52–192 in each of the ten before (performance log, "2026-12-03, sixteenth").
 */
final class WarmUp {

    private static final String PREFIX = "warmup-";
    private static final String BURST_PREFIX = "warmup-burst-";
    private static final int TASKS = 16;

    private WarmUp() {
    }

    static void run(Context ctx) {
        Options o = ctx.options();
        if (o.warmup().isZero()) {
            return;
        }
        // parents first: the creations run concurrently, and a dependency must name an existing task (every start of
        // the deployment is on a fresh database, so the names are free)
        ctx.createTasks("warm-up", IntStream.range(0, TASKS).mapToObj(i -> PolysyncApi.noopTask(PREFIX + i, Map.of()))
                .toList());
        ctx.createTasks("warm-up", IntStream.range(0, TASKS).mapToObj(i -> PolysyncApi.noopTask(PREFIX + "child-" + i,
                Map.of("dependencies", List.of(Map.of("task", PREFIX + i))))).toList());
        // the scheduler learns of the dependencies from polysync.task-definitions; a root finished before that
        // triggers no child, which costs the warm-up a few hand-offs and nothing else
        int rate = o.warmupRate();
        long n = rate * o.warmup().toMillis() / 1000;
        Semaphore inFlight = new Semaphore(o.httpConcurrency());
        long start = System.nanoTime();
        System.out.println("   warm-up: " + o.warmup().toSeconds() + " s at " + rate + " root runs/s (each with a "
                + "dependent run), not measured");
        for (long i = 0; i < n; i++) {
            long wait = start + (long) (i * 1e9 / rate) - System.nanoTime();
            if (wait > 0) {
                LockSupport.parkNanos(wait);
            }
            String task = PREFIX + (i % TASKS);
            String key = PREFIX + i;
            if (i % 2 == 0) {
                inFlight.acquireUninterruptibly();
                ctx.api().sendAsync("POST", "/api/v1/tasks/" + task + "/runs", Map.of("idempotencyKey", key))
                        .whenComplete((r, e) -> inFlight.release());
            } else {
                ctx.sendExternalTrigger(task, key);
            }
        }
        inFlight.acquireUninterruptibly(o.httpConcurrency());
        inFlight.release(o.httpConcurrency());
        ctx.producer().flush();
        Instant sent = Instant.now();
        long left = ctx.awaitNoneLeft("warm-up runs unfinished", () -> ctx.db().unfinished(), o.drainTimeout());
        System.out.println("   warm-up done " + Report.number(Rates.seconds(sent, Instant.now()))
                + " s after its last request" + (left == 0 ? "" : "; " + left + " runs still unfinished"));
        burst(ctx);
    }

    private static void burst(Context ctx) {
        Options o = ctx.options();
        if (o.warmupBurst() == 0) {
            return;
        }
        int tasks = o.throughputTasks();
        ctx.createTasks("warm-up burst", IntStream.range(0, tasks)
                .mapToObj(i -> PolysyncApi.noopTask(BURST_PREFIX + i, Map.of())).toList());
        ThroughputScenario.Offered offered = ThroughputScenario.offer(ctx, BURST_PREFIX, tasks, o.warmupBurst());
        Instant sent = Instant.now();
        long expected = o.warmupBurst() - offered.api().refused();
        long succeeded = ctx.awaitCount("warm-up burst runs SUCCEEDED", () -> ctx.db().runs(BURST_PREFIX, "SUCCEEDED"),
                expected, o.drainTimeout());
        System.out.println("   warm-up burst: " + o.warmupBurst() + " runs accepted in "
                + Report.number(offered.seconds()) + " s, done " + Report.number(Rates.seconds(sent, Instant.now()))
                + " s later" + (offered.api().refused() == 0 ? "" : "; " + offered.api().describe())
                + (succeeded >= expected ? "" : "; only " + succeeded + " SUCCEEDED"));
    }

    /** The settings line for the result file. */
    static String describe(Options o) {
        return o.warmup().isZero() ? "- warm-up: none"
                : "- warm-up after every start of the deployment, unmeasured: " + o.warmup().toSeconds() + " s of "
                        + o.warmupRate() + " root runs/s (half Run Once, half trigger events), each with one "
                        + "dependent run, over " + TASKS + " task pairs"
                        + (o.warmupBurst() == 0 ? "" : "; then a burst of " + o.warmupBurst() + " runs offered as "
                                + "fast as accepted, as the throughput scenario offers its runs, over "
                                + o.throughputTasks() + " tasks of its own");
    }
}
