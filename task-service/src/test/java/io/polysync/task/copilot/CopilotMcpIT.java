package io.polysync.task.copilot;

import io.modelcontextprotocol.client.McpClient;
import io.modelcontextprotocol.client.McpSyncClient;
import io.modelcontextprotocol.client.transport.HttpClientStreamableHttpTransport;
import io.modelcontextprotocol.spec.McpSchema;
import io.modelcontextprotocol.spec.McpSchema.CallToolResult;
import io.polysync.model.Json;
import io.polysync.model.Topics;
import io.polysync.model.event.RunEvent;
import io.polysync.model.event.RunStateChanged;
import io.polysync.model.event.RunWaiting;
import io.polysync.model.run.RunState;
import io.polysync.model.run.TriggerType;
import io.polysync.task.support.Api;
import io.polysync.task.support.IntegrationTest;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;

import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

/** The copilot's MCP endpoint, through the MCP Java SDK's own client over streamable HTTP. */
class CopilotMcpIT extends IntegrationTest {

    private final List<McpSyncClient> clients = new ArrayList<>();

    @AfterEach
    void disconnect() {
        clients.forEach(McpSyncClient::closeGracefully);
    }

    private McpSyncClient connect(String token) {
        HttpClientStreamableHttpTransport.Builder transport =
                HttpClientStreamableHttpTransport.builder("http://127.0.0.1:" + port()).endpoint("/mcp");
        if (token != null) {
            transport.httpRequestCustomizer((request, method, uri, body, context) ->
                    request.header("Authorization", "Bearer " + token));
        }
        McpSyncClient client = McpClient.sync(transport.build()).requestTimeout(Duration.ofSeconds(20)).build();
        clients.add(client);
        client.initialize();
        return client;
    }

    private String token(String role) {
        Api.Response created = api.post("/api/v1/tokens", json(Map.of("name", unique("copilot-" + role),
                "role", role)));
        assertThat(created.status()).as(created.text()).isEqualTo(201);
        return created.body().path("token").asString();
    }

    private static CallToolResult call(McpSyncClient client, String tool, Map<String, Object> arguments) {
        return client.callTool(new McpSchema.CallToolRequest(tool, arguments));
    }

    private static String text(CallToolResult result) {
        return ((McpSchema.TextContent) result.content().get(0)).text();
    }

    private static JsonNode ok(CallToolResult result) {
        assertThat(result.isError()).as(text(result)).isNotEqualTo(Boolean.TRUE);
        return Json.tree(text(result));
    }

    private static String failed(CallToolResult result) {
        assertThat(result.isError()).as(text(result)).isTrue();
        return text(result);
    }

    @Test
    void listsTheSevenToolsWithTheirInputSchemas() {
        McpSyncClient client = connect(ADMIN_TOKEN);
        List<McpSchema.Tool> tools = client.listTools().tools();

        assertThat(tools).extracting(McpSchema.Tool::name).contains("run_task_once", "get_run",
                "why_is_run_waiting", "list_tasks", "get_task", "preview_schedule", "recent_failures");
        McpSchema.Tool runOnce = tools.stream().filter(t -> t.name().equals("run_task_once")).findFirst().orElseThrow();
        assertThat(runOnce.description()).isNotBlank();
        JsonNode runOnceSchema = Json.tree(Json.encode(runOnce.inputSchema()));
        assertThat(runOnceSchema.path("properties").has("taskName")).isTrue();
        assertThat(runOnceSchema.path("required")).hasSize(1);
        assertThat(runOnceSchema.path("required").get(0).asString()).isEqualTo("taskName");
        McpSchema.Tool failures = tools.stream().filter(t -> t.name().equals("recent_failures")).findFirst()
                .orElseThrow();
        JsonNode failuresSchema = Json.tree(Json.encode(failures.inputSchema()));
        assertThat(failuresSchema.path("properties").has("taskName")).isTrue();
        assertThat(failuresSchema.path("properties").has("since")).isTrue();
        assertThat(failuresSchema.path("required")).isEmpty();
    }

    @Test
    void runTaskOnceAnswersARunIdThatGetRunFollowsToSucceeded() {
        String task = unique("copilot");
        UUID taskId = createNoopTask(task, List.of());
        McpSyncClient client = connect(token("operator"));

        JsonNode accepted = ok(call(client, "run_task_once", Map.of("taskName", task)));
        UUID runId = UUID.fromString(accepted.path("runId").asString());
        JsonNode queued = ok(call(client, "get_run", Map.of("runId", runId.toString())));
        assertThat(queued.path("run").path("state").asString()).isEqualTo("QUEUED");
        assertThat(queued.path("run").path("triggerType").asString()).isEqualTo("MANUAL");
        assertThat(queued.path("run").path("requestedBy").asString()).startsWith("copilot:copilot-operator-");
        assertThat(queued.path("history").get(0).path("state").asString()).isEqualTo("QUEUED");

        Instant t = Instant.now().truncatedTo(ChronoUnit.MILLIS);
        publish(taskId,
                changed(runId, taskId, task, RunState.QUEUED, RunState.RUNNING, t, t.plusSeconds(1), null, t.plusSeconds(1)),
                changed(runId, taskId, task, RunState.RUNNING, RunState.SUCCEEDED, t, t.plusSeconds(1), t.plusSeconds(2),
                        t.plusSeconds(2)));
        await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> assertThat(
                ok(call(client, "get_run", Map.of("runId", runId.toString()))).path("run").path("state").asString())
                .isEqualTo("SUCCEEDED"));
        JsonNode done = ok(call(client, "get_run", Map.of("runId", runId.toString())));
        assertThat(done.path("history")).hasSize(3);
        assertThat(ok(call(client, "why_is_run_waiting", Map.of("runId", runId.toString())))
                .path("explanation").asString()).contains("not waiting", "SUCCEEDED");
    }

    @Test
    void anUnknownTaskNameIsAToolErrorSuggestingTheCloseName() {
        String task = unique("nightly-report");
        createNoopTask(task, List.of());
        McpSyncClient client = connect(token("operator"));

        String typo = task.substring(0, task.length() - 2);
        assertThat(failed(call(client, "run_task_once", Map.of("taskName", typo))))
                .contains("no task named '" + typo + "'", "did you mean", "'" + task + "'");
        assertThat(failed(call(client, "get_task", Map.of("taskName", typo)))).contains("'" + task + "'");
    }

    @Test
    void withoutATokenTheEndpointRefusesToConnect() {
        assertThatThrownBy(() -> connect(null)).isInstanceOf(RuntimeException.class);
        assertThat(api.anonymous().post("/mcp", "{}").status()).isEqualTo(401);
        assertThat(api.withToken("psy_wrongwrongwrongwrongwrongwrongwrongwrongwro").post("/mcp", "{}").status())
                .isEqualTo(401);
    }

    @Test
    void aViewerReadsButCannotRunATaskOnce() {
        String task = unique("copilot-viewer");
        createNoopTask(task, List.of());
        McpSyncClient client = connect(token("viewer"));

        assertThat(failed(call(client, "run_task_once", Map.of("taskName", task)))).contains("needs the operator role");
        assertThat(jdbc.queryForObject("SELECT COUNT(*) FROM task_run WHERE task_name = ?", Integer.class, task))
                .isZero();
        JsonNode definition = ok(call(client, "get_task", Map.of("taskName", task)));
        assertThat(definition.path("name").asString()).isEqualTo(task);
        assertThat(ok(call(client, "list_tasks", Map.of("filter", task))).path("tasks")).hasSize(1);
    }

    @Test
    void argumentsAreValidatedLikeApiInput() {
        String task = unique("copilot-args");
        createNoopTask(task, List.of());
        McpSyncClient client = connect(ADMIN_TOKEN);

        assertThat(failed(call(client, "get_run", Map.of("runId", "not-a-uuid")))).contains("runId must be a UUID");
        assertThat(failed(call(client, "get_run", Map.of("runId", UUID.randomUUID().toString()))))
                .contains("no run with id");
        assertThat(failed(call(client, "preview_schedule", Map.of("taskName", task, "count", 0))))
                .contains("count must be between 1 and 100");
        assertThat(ok(call(client, "preview_schedule", Map.of("taskName", task, "count", 3))).path("fireTimes"))
                .isEmpty();
        assertThat(failed(call(client, "recent_failures", Map.of("since", "yesterday"))))
                .contains("since must be an ISO-8601 instant");
        assertThat(ok(call(client, "recent_failures", Map.of("taskName", task))).path("failures")).isEmpty();
    }

    @Test
    void whyIsRunWaitingNamesTheContentionProfileHoldingTheRun() {
        String task = unique("copilot-waits");
        UUID taskId = createNoopTask(task, List.of());
        McpSyncClient client = connect(token("operator"));
        UUID runId = UUID.fromString(ok(call(client, "run_task_once", Map.of("taskName", task)))
                .path("runId").asString());

        assertThat(ok(call(client, "why_is_run_waiting", Map.of("runId", runId.toString())))
                .path("explanation").asString()).contains("no limit is holding it back");
        publish(taskId, new RunWaiting(runId, taskId, "profile wh: 2 of 2 in use", Instant.now()));
        await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> assertThat(
                ok(call(client, "why_is_run_waiting", Map.of("runId", runId.toString()))).path("explanation")
                        .asString()).contains("profile wh: 2 of 2 in use", "contention profile 'wh'"));
    }

    private void publish(UUID taskId, RunEvent... events) {
        for (RunEvent event : events) {
            kafka.send(Topics.RUN_EVENTS, taskId.toString(), Json.encode(event)).join();
        }
    }

    private static RunStateChanged changed(UUID runId, UUID taskId, String task, RunState from, RunState to,
                                           Instant queuedAt, Instant startedAt, Instant finishedAt, Instant at) {
        return new RunStateChanged(runId, taskId, task, TriggerType.MANUAL, 1, null, from, to, to + " because",
                null, Map.of(), "worker-1", 1, "copilot", null, queuedAt, startedAt, finishedAt, at);
    }
}
