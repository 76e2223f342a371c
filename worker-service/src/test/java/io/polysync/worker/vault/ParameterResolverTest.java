package io.polysync.worker.vault;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import io.polysync.model.run.FailureReason;
import io.polysync.model.task.PlatformSnapshot;
import io.polysync.worker.config.WorkerProperties;
import io.polysync.worker.execution.InvalidParametersException;
import io.polysync.worker.execution.JobContext;
import io.polysync.worker.execution.JobExecutor;
import io.polysync.worker.execution.JobResult;
import io.polysync.worker.executor.HttpRequestExecutor;
import io.polysync.worker.executor.PlatformCircuitBreakers;
import io.polysync.worker.executor.ShellCommandExecutor;
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
import java.util.UUID;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicReference;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The resolver against a stub of the task-service's internal endpoint, with real executors. */
class ParameterResolverTest {

    private static final String TOKEN = "internal-token-for-tests";
    private static final Map<String, String> SECRETS = Map.of(
            "/internal/v1/vaults/ops/secrets/api-token", "tok-4f9a",
            "/internal/v1/vaults/ops/secrets/db.password", "pw-77c1");

    private final ConcurrentLinkedQueue<String> authorizations = new ConcurrentLinkedQueue<>();
    private HttpServer server;
    private String baseUrl;
    private ParameterResolver resolver;

    @BeforeEach
    void startStub() throws IOException {
        server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        server.createContext("/internal/v1/vaults/", this::secret);
        server.createContext("/echo", this::echo);
        server.start();
        baseUrl = "http://127.0.0.1:" + server.getAddress().getPort();
        resolver = new ParameterResolver(new TaskServiceSecretSource(baseUrl, TOKEN, Duration.ofSeconds(2)));
    }

    @AfterEach
    void stopStub() {
        server.stop(0);
    }

    private void secret(HttpExchange exchange) throws IOException {
        authorizations.add(String.valueOf(exchange.getRequestHeaders().getFirst("Authorization")));
        String value = SECRETS.get(exchange.getRequestURI().getPath());
        if (!("Bearer " + TOKEN).equals(exchange.getRequestHeaders().getFirst("Authorization"))) {
            respond(exchange, 401, "{}");
        } else if (value == null) {
            respond(exchange, 404, "{\"error\":\"no such secret\"}");
        } else {
            respond(exchange, 200, "{\"value\":\"" + value + "\"}");
        }
    }

    private void echo(HttpExchange exchange) throws IOException {
        respond(exchange, 200, "{\"sawAuthorization\":\"" + exchange.getRequestHeaders().getFirst("Authorization")
                + "\"}");
    }

    private static void respond(HttpExchange exchange, int status, String json) throws IOException {
        byte[] bytes = json.getBytes(StandardCharsets.UTF_8);
        exchange.getResponseHeaders().add("Content-Type", "application/json");
        exchange.sendResponseHeaders(status, bytes.length);
        try (OutputStream out = exchange.getResponseBody()) {
            out.write(bytes);
        }
    }

    private static JobContext context(String platformType, Map<String, Object> config, Map<String, Object> parameters) {
        return new JobContext(UUID.randomUUID(), UUID.randomUUID(), "a-task", 1,
                new PlatformSnapshot(UUID.randomUUID(), "a-platform", platformType, config), parameters, null);
    }

    @Test
    void resolvesReferencesAtAnyDepthOfParametersAndPlatformConfigWithTheInternalToken() throws Exception {
        AtomicReference<JobContext> seen = new AtomicReference<>();
        JobExecutor capture = executor(context -> {
            seen.set(context);
            return JobResult.success(Map.of());
        });

        resolver.execute(capture, context("postgres", Map.of("password", "vault://ops/db.password"),
                Map.of("list", List.of("plain", Map.of("deep", "vault://ops/api-token")), "n", 3)));

        assertThat(seen.get().parameters())
                .isEqualTo(Map.of("list", List.of("plain", Map.of("deep", "tok-4f9a")), "n", 3));
        assertThat(seen.get().platform().config()).isEqualTo(Map.of("password", "pw-77c1"));
        assertThat(seen.get().platform().name()).isEqualTo("a-platform");
        assertThat(authorizations).hasSize(2).allMatch(("Bearer " + TOKEN)::equals);
    }

    @Test
    void failsForGoodNamingTheReferenceWhenTheSecretDoesNotExist() throws Exception {
        JobResult result = resolver.execute(executor(context -> JobResult.success(Map.of())),
                context("shell", Map.of(), Map.of("env", Map.of("TOKEN", "vault://ops/missing"))));

        assertThat(result).isInstanceOfSatisfying(JobResult.Failure.class, failure -> {
            assertThat(failure.error().reason()).isEqualTo(FailureReason.INVALID_PARAMETERS);
            assertThat(failure.error().retryable()).isFalse();
            assertThat(failure.error().message()).contains("vault://ops/missing");
        });
    }

    @Test
    void failsRetryablyWhenTheTaskServiceIsUnreachable() throws Exception {
        int closedPort;
        try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            closedPort = socket.getLocalPort();
        }
        ParameterResolver unreachable = new ParameterResolver(
                new TaskServiceSecretSource("http://127.0.0.1:" + closedPort, TOKEN, Duration.ofSeconds(2)));

        JobResult result = unreachable.execute(executor(context -> JobResult.success(Map.of())),
                context("shell", Map.of(), Map.of("token", "vault://ops/api-token")));

        assertThat(result).isInstanceOfSatisfying(JobResult.Failure.class, failure -> {
            assertThat(failure.error().reason()).isEqualTo(FailureReason.EXECUTION_FAILED);
            assertThat(failure.error().retryable()).isTrue();
            assertThat(failure.error().message()).contains("vault://ops/api-token").contains("unreachable");
        });
    }

    @Test
    void failsRetryablyWithoutRepeatingTheAnswerWhenTheTokenIsRefused() throws Exception {
        ParameterResolver refused = new ParameterResolver(
                new TaskServiceSecretSource(baseUrl, "wrong-token", Duration.ofSeconds(2)));

        JobResult result = refused.execute(executor(context -> JobResult.success(Map.of())),
                context("shell", Map.of(), Map.of("token", "vault://ops/api-token")));

        assertThat(result).isInstanceOfSatisfying(JobResult.Failure.class, failure -> {
            assertThat(failure.error().reason()).isEqualTo(FailureReason.EXECUTION_FAILED);
            assertThat(failure.error().retryable()).isTrue();
            assertThat(failure.error().message()).isEqualTo("cannot resolve vault://ops/api-token: the task-service"
                    + " answered 401");
        });
    }

    @Test
    void masksASecretAShellCommandEchoesIntoItsOutputs() throws Exception {
        JobResult result = resolver.execute(new ShellCommandExecutor(Duration.ofSeconds(1)),
                context("shell", Map.of(), Map.of("command", List.of("sh", "-c", "echo ::output leak=$TOKEN"),
                        "env", Map.of("TOKEN", "vault://ops/api-token"))));

        assertThat(result).isEqualTo(JobResult.success(Map.of("leak", "****", "exitCode", 0)));
    }

    @Test
    void masksASecretInAFailingShellCommandsMessage() throws Exception {
        JobResult result = resolver.execute(new ShellCommandExecutor(Duration.ofSeconds(1)),
                context("shell", Map.of(), Map.of("command", List.of("sh", "-c", "echo \"denied for $TOKEN\" >&2; exit 3"),
                        "env", Map.of("TOKEN", "vault://ops/api-token"))));

        assertThat(result).isInstanceOfSatisfying(JobResult.Failure.class, failure ->
                assertThat(failure.error().message()).contains("denied for ****").doesNotContain("tok-4f9a"));
    }

    @Test
    void masksASecretHeaderAnHttpEndpointEchoesBack() throws Exception {
        HttpRequestExecutor http = new HttpRequestExecutor(Duration.ofSeconds(2), new PlatformCircuitBreakers(
                new WorkerProperties.CircuitBreaker(50, 10, Duration.ofSeconds(30)), new SimpleMeterRegistry()));

        JobResult result = resolver.execute(http, context("http",
                Map.of("baseUrl", baseUrl, "headers", Map.of("Authorization", "vault://ops/api-token")),
                Map.of("path", "/echo")));

        assertThat(result).isEqualTo(JobResult.success(Map.of("status", 200,
                "body", Map.of("sawAuthorization", "****"))));
    }

    @Test
    void masksASecretInTheMessageOfAnExceptionTheExecutorThrows() {
        JobExecutor throwing = executor(context -> {
            throw new InvalidParametersException("bad value " + context.params().requiredString("token"));
        });

        assertThatThrownBy(() -> resolver.execute(throwing,
                context("shell", Map.of(), Map.of("token", "vault://ops/api-token"))))
                .isInstanceOf(InvalidParametersException.class)
                .hasMessage("bad value ****");
    }

    private interface Body {
        JobResult run(JobContext context) throws Exception;
    }

    private static JobExecutor executor(Body body) {
        return new JobExecutor() {
            @Override
            public String jobType() {
                return "noop";
            }

            @Override
            public JobResult execute(JobContext context) throws Exception {
                return body.run(context);
            }
        };
    }
}
