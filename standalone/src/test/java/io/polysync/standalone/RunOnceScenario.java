package io.polysync.standalone;

import tools.jackson.databind.JsonNode;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * What a new user does first, through the API only: a platform, a job and a task, then Run Once and poll the run.
 * Shared by the in-process end-to-end test and the test of the packaged standalone jar.
 */
final class RunOnceScenario {

    private static final Duration RUN_TIMEOUT = Duration.ofSeconds(60);

    private final PolysyncClient api;
    private final String suffix = UUID.randomUUID().toString().substring(0, 8);

    RunOnceScenario(PolysyncClient api) {
        this.api = api;
    }

    /** A shell job that prints an output; the run must end SUCCEEDED with it and a three-step history. */
    String succeedingShellRun() {
        createShellTask("hello-" + suffix, "[\"sh\", \"-c\", \"echo working; echo ::output greeting=hello\"]");
        String runId = runOnce("hello-" + suffix);

        JsonNode run = awaitTerminal(runId);
        assertThat(run.path("state").asString()).isEqualTo("SUCCEEDED");
        assertThat(run.path("triggerType").asString()).isEqualTo("MANUAL");
        assertThat(run.path("attempt").asInt()).isEqualTo(1);
        assertThat(run.path("outputs").path("greeting").asString()).isEqualTo("hello");
        assertThat(run.path("outputs").path("exitCode").asString()).isEqualTo("0");
        assertThat(run.path("parameters").path("command").path(2).asString())
                .isEqualTo("echo working; echo ::output greeting=hello");
        assertThat(run.path("startedAt").isNull()).isFalse();
        assertThat(run.path("finishedAt").isNull()).isFalse();
        assertThat(historyStates(runId)).containsExactly("QUEUED", "RUNNING", "SUCCEEDED");
        return runId;
    }

    /** A shell job that exits non-zero; the run must end FAILED with the error. */
    String failingShellRun() {
        createShellTask("broken-" + suffix, "[\"sh\", \"-c\", \"echo disk full >&2; exit 3\"]");
        String runId = runOnce("broken-" + suffix);

        JsonNode run = awaitTerminal(runId);
        assertThat(run.path("state").asString()).isEqualTo("FAILED");
        assertThat(run.path("error").path("reason").asString()).isEqualTo("EXECUTION_FAILED");
        assertThat(run.path("error").path("message").asString()).contains("3").contains("disk full");
        assertThat(run.path("error").path("retryable").asBoolean()).isTrue();
        assertThat(historyStates(runId)).containsExactly("QUEUED", "RUNNING", "FAILED");
        return runId;
    }

    /** A noop job forced to fail, without a shell: the run must end FAILED with the job's message. */
    String failingNoopRun() {
        api.post("/api/v1/platforms", "{\"name\":\"anything-" + suffix + "\",\"type\":\"http\","
                + "\"config\":{\"baseUrl\":\"http://127.0.0.1:9\"}}");
        api.post("/api/v1/jobs", "{\"name\":\"always-fails-" + suffix + "\",\"platform\":\"anything-" + suffix
                + "\",\"jobType\":\"noop\"}");
        PolysyncClient.Response task = api.post("/api/v1/tasks", "{\"name\":\"doomed-" + suffix + "\",\"job\":\"always-fails-"
                + suffix + "\",\"parameters\":{\"fail\":true,\"failMessage\":\"quota exceeded\",\"retryable\":false}}");
        assertThat(task.status()).as(task.body()).isEqualTo(201);
        String runId = runOnce("doomed-" + suffix);

        JsonNode run = awaitTerminal(runId);
        assertThat(run.path("state").asString()).isEqualTo("FAILED");
        assertThat(run.path("error").path("message").asString()).contains("quota exceeded");
        assertThat(run.path("error").path("retryable").asBoolean()).isFalse();
        return runId;
    }

    /** Bad input gets a clear error and changes nothing. */
    void rejectsBadInput() {
        PolysyncClient.Response unknownTask = api.post("/api/v1/tasks/no-such-task-" + suffix + "/runs", "");
        assertThat(unknownTask.status()).isEqualTo(404);
        assertThat(unknownTask.contentType()).startsWith("application/problem+json");

        PolysyncClient.Response malformed = api.post("/api/v1/platforms", "{\"name\": ");
        assertThat(malformed.status()).isEqualTo(400);
        assertThat(malformed.contentType()).startsWith("application/problem+json");

        PolysyncClient.Response missingName = api.post("/api/v1/platforms", "{\"type\":\"shell\",\"config\":{}}");
        assertThat(missingName.status()).isEqualTo(400);
        assertThat(missingName.body()).contains("name");

        PolysyncClient.Response unknownJobType = api.post("/api/v1/jobs",
                "{\"name\":\"x-" + suffix + "\",\"platform\":\"local-" + suffix + "\",\"jobType\":\"teleport\"}");
        assertThat(unknownJobType.status()).isEqualTo(400);
        assertThat(unknownJobType.body()).contains("jobType");
        assertThat(api.get("/api/v1/jobs/x-" + suffix).status()).isEqualTo(404);
    }

    JsonNode run(String runId) {
        PolysyncClient.Response response = api.get("/api/v1/runs/" + runId);
        assertThat(response.status()).as(response.body()).isEqualTo(200);
        return response.json();
    }

    List<String> historyStates(String runId) {
        PolysyncClient.Response response = api.get("/api/v1/runs/" + runId + "/history");
        assertThat(response.status()).as(response.body()).isEqualTo(200);
        List<String> states = new ArrayList<>();
        for (JsonNode entry : response.json()) {
            if ("TRANSITION".equals(entry.path("kind").asString())) {
                states.add(entry.path("state").asString());
            }
        }
        return states;
    }

    private void createShellTask(String taskName, String commandJson) {
        String platform = "local-" + suffix;
        if (api.get("/api/v1/platforms/" + platform).status() == 404) {
            PolysyncClient.Response created = api.post("/api/v1/platforms",
                    "{\"name\":\"" + platform + "\",\"type\":\"shell\",\"config\":{}}");
            assertThat(created.status()).as(created.body()).isEqualTo(201);
        }
        String job = "job-" + taskName;
        PolysyncClient.Response createdJob = api.post("/api/v1/jobs",
                "{\"name\":\"" + job + "\",\"platform\":\"" + platform + "\",\"jobType\":\"shell.command\"}");
        assertThat(createdJob.status()).as(createdJob.body()).isEqualTo(201);
        PolysyncClient.Response createdTask = api.post("/api/v1/tasks", "{\"name\":\"" + taskName + "\",\"job\":\"" + job
                + "\",\"parameters\":{\"command\":" + commandJson + "},\"priority\":60}");
        assertThat(createdTask.status()).as(createdTask.body()).isEqualTo(201);
    }

    private String runOnce(String taskName) {
        PolysyncClient.Response accepted = api.post("/api/v1/tasks/" + taskName + "/runs", "");
        assertThat(accepted.status()).as(accepted.body()).isEqualTo(202);
        assertThat(accepted.json().path("state").asString()).isEqualTo("QUEUED");
        String runId = accepted.json().path("runId").asString();
        // Run Once writes the read model in the same transaction: the run is readable at once, never a 404
        assertThat(run(runId).path("task").asString()).isEqualTo(taskName);
        return runId;
    }

    private JsonNode awaitTerminal(String runId) {
        return await().atMost(RUN_TIMEOUT).pollInterval(Duration.ofMillis(200))
                .until(() -> run(runId), run -> List.of("SUCCEEDED", "FAILED", "CANCELLED")
                        .contains(run.path("state").asString()));
    }
}
