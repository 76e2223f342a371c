package io.polysync.bench;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Future;
import java.util.stream.IntStream;

/**
 * Scenario 1: {@code throughput-runs} runs offered as fast as they are accepted, through Run Once (many concurrent
 * HTTP requests) and/or external trigger events on Kafka, spread over several tasks so every partition works; then
 * the completion rate from the first SUCCEEDED to the last, and the sustained rate (see {@link Rates#steadyMiddle}).
 */
public final class ThroughputScenario implements Scenario {

    private static final String PREFIX = "tp-";

    @Override
    public String name() {
        return "throughput";
    }

    @Override
    public void run(Context ctx) throws Exception {
        Options o = ctx.options();
        List<Map<String, Object>> tasks = IntStream.range(0, o.throughputTasks())
                .mapToObj(i -> PolysyncApi.noopTask(PREFIX + i, Map.of())).toList();
        ctx.createTasks(name(), tasks);
        int total = o.throughputRuns();
        Offered offered = offer(ctx, PREFIX, o.throughputTasks(), total);
        Instant start = offered.start();
        PolysyncApi.Outcome apiOutcome = offered.api();
        ctx.report().add(name(), "offered: accepted rate (" + offered.viaApi() + " Run Once, " + offered.viaKafka()
                + " trigger events)", null, total / offered.seconds(), "runs/s", apiOutcome.describe());

        long succeeded = ctx.awaitCount("throughput runs SUCCEEDED", () -> ctx.db().runs(PREFIX, "SUCCEEDED"),
                total - apiOutcome.refused(), o.drainTimeout().plus(Duration.ofSeconds(total / 20)));
        List<Instant> completions = Context.sorted(ctx.db().runTimes(PREFIX).stream()
                .map(Database.RunTimes::succeededRecorded).toList());
        ctx.report().add(name(), "completion rate, first to last SUCCEEDED", "throughput.rate." + ctx.deployment().name(),
                Rates.firstToLast(completions), "runs/s", succeeded + " of " + total + " succeeded");
        ctx.report().add(name(), "sustained rate (SUCCEEDED between the 10th and 90th percentile completion)",
                "throughput.sustained." + ctx.deployment().name(), Rates.steadyMiddle(completions), "runs/s",
                "the backlog never empties during that part, so this is the rate it does not grow at");
        if (!completions.isEmpty()) {
            ctx.report().add(name(), "first trigger sent → last SUCCEEDED recorded", null,
                    Rates.seconds(start, completions.get(completions.size() - 1)), "s", null);
        }
        if (succeeded < total) {
            ctx.report().note("throughput: only " + succeeded + " of " + total + " runs SUCCEEDED within the drain "
                    + "timeout; the backlog left was " + ctx.db().unfinished() + " runs");
        }
    }

    /** What {@link #offer} sent, and when. */
    record Offered(Instant start, double seconds, int viaApi, int viaKafka, PolysyncApi.Outcome api) {
    }

    /**
     * Offers {@code total} runs as fast as they are accepted over the tasks {@code prefix}0 … {@code tasks - 1}, split
     * between Run Once requests ({@code --http-concurrency} in flight) and trigger events as {@code --throughput-via}
     * says; answers once all were accepted. The warm-up's burst offers its runs the same way.
     */
    static Offered offer(Context ctx, String prefix, int tasks, int total) {
        Options o = ctx.options();
        int viaKafka = switch (o.throughputVia()) {
            case "kafka" -> total;
            case "api" -> 0;
            default -> total / 2;
        };
        int viaApi = total - viaKafka;
        Instant start = Instant.now();
        CompletableFuture<PolysyncApi.Outcome> api = CompletableFuture.supplyAsync(() -> ctx.api().each(
                IntStream.range(0, viaApi).boxed().toList(), o.httpConcurrency(),
                i -> ctx.api().sendAsync("POST", "/api/v1/tasks/" + prefix + (i % tasks) + "/runs",
                        Map.of("idempotencyKey", prefix + "api-" + i)), null));
        CompletableFuture<Instant> kafka = CompletableFuture.supplyAsync(() -> {
            List<Future<?>> sends = new ArrayList<>();
            for (int i = 0; i < viaKafka; i++) {
                sends.add(ctx.sendExternalTrigger(prefix + (i % tasks), prefix + "kafka-" + i));
            }
            for (Future<?> send : sends) {
                try {
                    send.get();
                } catch (Exception e) {
                    throw new IllegalStateException("publishing an external trigger failed: " + e.getMessage(), e);
                }
            }
            return Instant.now();
        });
        PolysyncApi.Outcome apiOutcome = api.join();
        Instant apiDone = Instant.now();
        Instant kafkaDone = kafka.join();
        return new Offered(start, Rates.seconds(start, apiDone.isAfter(kafkaDone) ? apiDone : kafkaDone), viaApi,
                viaKafka, apiOutcome);
    }
}
