package io.polysync.worker.executor;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import io.polysync.model.Json;
import io.polysync.model.run.FailureReason;
import io.polysync.worker.config.WorkerProperties;
import io.polysync.worker.execution.InvalidParametersException;
import io.polysync.worker.execution.JobResult;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;

import static io.polysync.worker.executor.Contexts.context;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class HttpRequestExecutorTest {

    private final HttpRequestExecutor http = new HttpRequestExecutor(Duration.ofSeconds(5), breakers(10));
    private final ConcurrentLinkedQueue<Received> received = new ConcurrentLinkedQueue<>();
    private final CountDownLatch releaseSlowResponse = new CountDownLatch(1);
    private HttpServer server;
    private String baseUrl;

    record Received(String method, String path, String query, String contentType, String header, String body) {
    }

    @BeforeEach
    void startServer() throws IOException {
        server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        server.setExecutor(Executors.newCachedThreadPool());
        server.createContext("/", this::handle);
        server.start();
        baseUrl = "http://127.0.0.1:" + server.getAddress().getPort();
    }

    @AfterEach
    void stopServer() {
        releaseSlowResponse.countDown();
        server.stop(0);
    }

    private void handle(HttpExchange exchange) throws IOException {
        String body = new String(exchange.getRequestBody().readAllBytes(), StandardCharsets.UTF_8);
        received.add(new Received(exchange.getRequestMethod(), exchange.getRequestURI().getPath(),
                exchange.getRequestURI().getQuery(), exchange.getRequestHeaders().getFirst("Content-Type"),
                exchange.getRequestHeaders().getFirst("X-Polysync-Test"), body));
        switch (exchange.getRequestURI().getPath()) {
            case "/api/items" -> respond(exchange, 200, "application/json", "{\"items\":[1,2],\"ok\":true}");
            case "/text" -> respond(exchange, 200, "text/plain; charset=UTF-8", "plain words");
            case "/large" -> respond(exchange, 200, "application/json", "\"" + "x".repeat(100_000) + "\"");
            case "/moved" -> {
                exchange.getResponseHeaders().add("Location", "http://elsewhere.example/");
                respond(exchange, 302, "text/plain", "");
            }
            case "/missing" -> respond(exchange, 404, "application/json", "{\"error\":\"no such item\"}");
            case "/broken" -> respond(exchange, 503, "text/plain", "try later");
            case "/slow" -> {
                try {
                    releaseSlowResponse.await(10, TimeUnit.SECONDS);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
                respond(exchange, 200, "text/plain", "late");
            }
            default -> respond(exchange, 404, "text/plain", "");
        }
    }

    private static void respond(HttpExchange exchange, int status, String contentType, String body) throws IOException {
        byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
        exchange.getResponseHeaders().add("Content-Type", contentType);
        exchange.sendResponseHeaders(status, bytes.length == 0 ? -1 : bytes.length);
        try (OutputStream out = exchange.getResponseBody()) {
            out.write(bytes);
        }
    }

    private static PlatformCircuitBreakers breakers(int windowSize) {
        return new PlatformCircuitBreakers(new WorkerProperties.CircuitBreaker(50, windowSize, Duration.ofMinutes(1)),
                new SimpleMeterRegistry());
    }

    private Map<String, Object> platform() {
        return Map.of("baseUrl", baseUrl);
    }

    @Test
    void opensThePlatformsCircuitAfterRepeated5xxAndThenFailsFastWithoutARequest() throws Exception {
        HttpRequestExecutor guarded = new HttpRequestExecutor(Duration.ofSeconds(5), breakers(4));
        for (int i = 0; i < 4; i++) {
            assertThat(guarded.execute(context("http", platform(), Map.of("path", "/broken"))))
                    .isInstanceOfSatisfying(JobResult.Failure.class,
                            failure -> assertThat(failure.error().message()).contains("answered 503"));
        }

        JobResult fastFailure = guarded.execute(context("http", platform(), Map.of("path", "/api/items")));

        assertThat(fastFailure).isInstanceOfSatisfying(JobResult.Failure.class, failure -> {
            assertThat(failure.error().reason()).isEqualTo(FailureReason.EXECUTION_FAILED);
            assertThat(failure.error().retryable()).isTrue();
            assertThat(failure.error().message()).contains("circuit open for platform a-platform");
        });
        assertThat(received).hasSize(4);
    }

    @Test
    void keepsTheCircuitClosedWhenFailuresStayBelowTheThresholdOr4xxOnly() throws Exception {
        HttpRequestExecutor guarded = new HttpRequestExecutor(Duration.ofSeconds(5), breakers(4));
        for (int i = 0; i < 4; i++) {
            guarded.execute(context("http", platform(), Map.of("path", "/missing")));
        }
        guarded.execute(context("http", platform(), Map.of("path", "/broken")));

        assertThat(guarded.execute(context("http", platform(), Map.of("path", "/api/items"))))
                .isInstanceOf(JobResult.Success.class);
        assertThat(received).hasSize(6);
    }

    @Test
    void reportsStatusAndParsedJsonBodyOfA200() throws Exception {
        JobResult result = http.execute(context("http", platform(), Map.of("path", "/api/items?page=2")));

        assertThat(result).isEqualTo(JobResult.success(Map.of("status", 200,
                "body", Map.of("items", List.of(1, 2), "ok", true))));
        assertThat(received).singleElement().satisfies(request -> {
            assertThat(request.method()).isEqualTo("GET");
            assertThat(request.path()).isEqualTo("/api/items");
            assertThat(request.query()).isEqualTo("page=2");
        });
    }

    @Test
    void sendsAnObjectBodyAsJsonWithPlatformAndJobHeaders() throws Exception {
        Map<String, Object> platform = Map.of("baseUrl", baseUrl + "/api",
                "headers", Map.of("X-Polysync-Test", "from-platform"));

        JobResult result = http.execute(context("http", platform, Map.of("method", "post", "path", "items",
                "headers", Map.of("x-polysync-test", "from-job"), "body", Map.of("name", "widget"))));

        assertThat(result).isInstanceOf(JobResult.Success.class);
        assertThat(received).singleElement().satisfies(request -> {
            assertThat(request.method()).isEqualTo("POST");
            assertThat(request.path()).isEqualTo("/api/items");
            assertThat(request.contentType()).isEqualTo("application/json");
            assertThat(request.header()).isEqualTo("from-job");
            assertThat(Json.tree(request.body()).get("name").asString()).isEqualTo("widget");
        });
    }

    @Test
    void sendsAStringBodyAsText() throws Exception {
        http.execute(context("http", platform(), Map.of("method", "PUT", "path", "/text", "body", "hello")));

        assertThat(received).singleElement().satisfies(request -> {
            assertThat(request.contentType()).startsWith("text/plain");
            assertThat(request.body()).isEqualTo("hello");
        });
    }

    @Test
    void reportsANonJsonBodyAsText() throws Exception {
        assertThat(http.execute(context("http", platform(), Map.of("path", "/text"))))
                .isEqualTo(JobResult.success(Map.of("status", 200, "body", "plain words")));
    }

    @Test
    void truncatesALargeBodyTo64KiB() throws Exception {
        JobResult.Success result = (JobResult.Success) http.execute(context("http", platform(), Map.of("path", "/large")));

        assertThat((String) result.outputs().get("body")).hasSize(HttpRequestExecutor.MAX_BODY_BYTES);
    }

    @Test
    void takesARedirectAsSuccessWithoutFollowingIt() throws Exception {
        JobResult result = http.execute(context("http", platform(), Map.of("path", "/moved")));

        assertThat(result).isEqualTo(JobResult.success(Map.of("status", 302, "body", "")));
        assertThat(received).hasSize(1);
    }

    @Test
    void failsForGoodOnA4xxNamingMethodPathAndStatus() throws Exception {
        JobResult result = http.execute(context("http", platform(), Map.of("method", "DELETE", "path", "/missing")));

        assertThat(result).isInstanceOfSatisfying(JobResult.Failure.class, failure -> {
            assertThat(failure.error().reason()).isEqualTo(FailureReason.NON_RETRYABLE);
            assertThat(failure.error().retryable()).isFalse();
            assertThat(failure.error().message()).contains("DELETE /missing", "404", "no such item");
        });
    }

    @Test
    void failsRetryablyOnA5xx() throws Exception {
        JobResult result = http.execute(context("http", platform(), Map.of("path", "/broken")));

        assertThat(result).isInstanceOfSatisfying(JobResult.Failure.class, failure -> {
            assertThat(failure.error().reason()).isEqualTo(FailureReason.EXECUTION_FAILED);
            assertThat(failure.error().retryable()).isTrue();
            assertThat(failure.error().message()).contains("GET /broken", "503");
        });
    }

    @Test
    void refusesAHostOutsideAllowedHostsWithoutSendingAnything() throws Exception {
        Map<String, Object> platform = Map.of("baseUrl", baseUrl, "allowedHosts", List.of("api.example.org"));

        JobResult result = http.execute(context("http", platform, Map.of("path", "/api/items")));

        assertThat(result).isInstanceOfSatisfying(JobResult.Failure.class, failure -> {
            assertThat(failure.error().reason()).isEqualTo(FailureReason.NON_RETRYABLE);
            assertThat(failure.error().message()).contains("127.0.0.1", "allowedHosts");
        });
        assertThat(received).isEmpty();
    }

    @Test
    void keepsAPathThatLooksLikeAnotherHostOnTheBaseUrlsHost() throws Exception {
        JobResult result = http.execute(context("http", platform(), Map.of("path", "@evil.example/steal")));

        assertThat(result).isInstanceOf(JobResult.Failure.class);
        assertThat(received).singleElement().satisfies(request ->
                assertThat(request.path()).isEqualTo("/@evil.example/steal"));
    }

    @Test
    void failsRetryablyWhenTheConnectionIsRefused() throws Exception {
        int closedPort;
        try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            closedPort = socket.getLocalPort();
        }

        JobResult result = http.execute(context("http", Map.of("baseUrl", "http://127.0.0.1:" + closedPort),
                Map.of("path", "/api/items")));

        assertThat(result).isInstanceOfSatisfying(JobResult.Failure.class, failure -> {
            assertThat(failure.error().reason()).isEqualTo(FailureReason.EXECUTION_FAILED);
            assertThat(failure.error().retryable()).isTrue();
            assertThat(failure.error().message()).contains("GET /api/items", "ConnectException");
        });
    }

    @Test
    void failsRetryablyWhenTheResponseTakesLongerThanTheTimeout() throws Exception {
        JobResult result = http.execute(context("http", platform(), Map.of("path", "/slow", "timeoutSeconds", 1)));

        assertThat(result).isInstanceOfSatisfying(JobResult.Failure.class, failure -> {
            assertThat(failure.error().retryable()).isTrue();
            assertThat(failure.error().message()).contains("GET /slow", "timed out");
        });
    }

    @Test
    void rejectsAPlatformWithoutBaseUrl() {
        assertThatThrownBy(() -> http.execute(context("http", Map.of(), Map.of("path", "/x"))))
                .isInstanceOf(InvalidParametersException.class)
                .hasMessageContaining("baseUrl");
    }
}
