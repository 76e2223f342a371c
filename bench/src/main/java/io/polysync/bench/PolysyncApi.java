package io.polysync.bench;

import io.polysync.model.Json;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Semaphore;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Function;

/** The task-service's REST API with the admin token: HTTP/1.1, asynchronous, at most a given number in flight. */
public final class PolysyncApi {

    public static final String ADMIN_TOKEN = "psy_bench-admin-token-000000000000000000000000000";

    private final HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(5)).build();
    private final String baseUrl;

    public PolysyncApi(String baseUrl) {
        this.baseUrl = baseUrl;
    }

    public record Response(int status, String body) {
        boolean ok() {
            return status >= 200 && status < 300;
        }
    }

    public CompletableFuture<Response> sendAsync(String method, String path, Object body) {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(baseUrl + path))
                .timeout(Duration.ofSeconds(60))
                .header("Authorization", "Bearer " + ADMIN_TOKEN)
                .header("Content-Type", "application/json");
        request.method(method, body == null ? HttpRequest.BodyPublishers.noBody()
                : HttpRequest.BodyPublishers.ofString(body instanceof String s ? s : Json.encode(body)));
        return http.sendAsync(request.build(), HttpResponse.BodyHandlers.ofString())
                .thenApply(r -> new Response(r.statusCode(), r.body()))
                .exceptionally(e -> new Response(-1, String.valueOf(e.getCause() == null ? e : e.getCause())));
    }

    public Response send(String method, String path, Object body) {
        return sendAsync(method, path, body).join();
    }

    /** POST, refusing anything but 2xx. */
    public Response create(String path, Object body) {
        Response r = send("POST", path, body);
        if (!r.ok()) {
            throw new IllegalStateException("POST " + path + " answered " + r.status() + ": " + r.body());
        }
        return r;
    }

    /** The shared noop job the benchmark's tasks run (a noop works on any platform). */
    public void ensureNoopJob() {
        Response platform = send("POST", "/api/v1/platforms", Map.of("name", "bench", "type", "shell", "config",
                Map.of()));
        if (!platform.ok() && platform.status() != 409) {
            throw new IllegalStateException("creating the bench platform answered " + platform);
        }
        Response job = send("POST", "/api/v1/jobs", Map.of("name", "noop", "platform", "bench", "jobType", "noop"));
        if (!job.ok() && job.status() != 409) {
            throw new IllegalStateException("creating the noop job answered " + job);
        }
    }

    /** A noop task: {@code extra} adds schedules, dependencies and the like. */
    public static Map<String, Object> noopTask(String name, Map<String, Object> extra) {
        Map<String, Object> task = new java.util.LinkedHashMap<>();
        task.put("name", name);
        task.put("job", "noop");
        task.put("parameters", Map.of("sleepMillis", 0));
        task.putAll(extra);
        return task;
    }

    /**
     * Sends one request per item with at most {@code concurrency} in flight and waits for all; answers how many were
     * refused, with the first refusal kept for the message.
     */
    public <T> Outcome each(List<T> items, int concurrency, Function<T, CompletableFuture<Response>> call,
                            AtomicInteger progress) {
        Semaphore inFlight = new Semaphore(concurrency);
        AtomicInteger refused = new AtomicInteger();
        AtomicReference<String> firstRefusal = new AtomicReference<>();
        List<CompletableFuture<Response>> all = new ArrayList<>(items.size());
        for (T item : items) {
            inFlight.acquireUninterruptibly();
            all.add(call.apply(item).whenComplete((r, e) -> {
                inFlight.release();
                if (r == null || !r.ok()) {
                    refused.incrementAndGet();
                    firstRefusal.compareAndSet(null, r == null ? String.valueOf(e) : r.status() + " " + r.body());
                }
                if (progress != null) {
                    progress.incrementAndGet();
                }
            }));
        }
        CompletableFuture.allOf(all.toArray(CompletableFuture[]::new)).join();
        return new Outcome(items.size(), refused.get(), firstRefusal.get());
    }

    public record Outcome(int sent, int refused, String firstRefusal) {
        public String describe() {
            return refused == 0 ? "" : refused + " of " + sent + " refused, first: " + firstRefusal;
        }
    }
}
