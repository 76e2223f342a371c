package io.polysync.systemtest.harness;

import io.polysync.model.Json;
import tools.jackson.databind.JsonNode;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;

/** The task-service's REST API as the suite's load driver and operator use it, with the admin token. */
public final class Api {

    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(3)).build();
    private final String baseUrl;
    private final String token;

    public Api(String baseUrl, String token) {
        this.baseUrl = baseUrl;
        this.token = token;
    }

    public Response post(String path, Object body) {
        return send(HttpRequest.newBuilder(URI.create(baseUrl + path)).header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(body instanceof String s ? s : Json.encode(body))));
    }

    public Response put(String path, Object body) {
        return send(HttpRequest.newBuilder(URI.create(baseUrl + path)).header("Content-Type", "application/json")
                .PUT(HttpRequest.BodyPublishers.ofString(body instanceof String s ? s : Json.encode(body))));
    }

    public Response get(String path) {
        return send(HttpRequest.newBuilder(URI.create(baseUrl + path)).GET());
    }

    public Response delete(String path) {
        return send(HttpRequest.newBuilder(URI.create(baseUrl + path)).DELETE());
    }

    /** Creates or replaces a definition: POST, and PUT when it exists already (the suite's tasks outlive a scenario). */
    public void upsert(String collection, String name, Map<String, Object> body) {
        Response created = post("/api/v1/" + collection, body);
        if (created.status() == 409) {
            created = put("/api/v1/" + collection + "/" + name, body);
        }
        if (created.status() >= 300) {
            throw new IllegalStateException(collection + "/" + name + " refused: " + created);
        }
    }

    /** The suite's shell platform and its effect job, which every scenario's tasks run. */
    public void ensureEffectJob() {
        upsert("platforms", "system-shell", Map.of("name", "system-shell", "type", "shell", "config", Map.of()));
        upsert("jobs", "effect", Map.of("name", "effect", "platform", "system-shell", "jobType", "shell.command",
                "outputs", List.of("attempt")));
    }

    /** A task of the effect job. {@code fields} adds or overrides task fields (retry, schedules, limits, ...). */
    public void effectTask(String name, double sleepSeconds, Map<String, Object> fields) {
        Map<String, Object> task = new java.util.LinkedHashMap<>();
        task.put("name", name);
        task.put("job", "effect");
        task.put("parameters", Map.of("command", Effects.COMMAND,
                "env", Map.of("SLEEP", Double.toString(sleepSeconds))));
        task.putAll(fields);
        upsert("tasks", name, task);
    }

    /** Run Once; answers the accepted run id. */
    public UUID runOnce(String task) {
        return runOnce(task, UUID.randomUUID().toString());
    }

    public UUID runOnce(String task, String idempotencyKey) {
        Response r = post("/api/v1/tasks/" + task + "/runs", Map.of("idempotencyKey", idempotencyKey));
        if (r.status() != 202 && r.status() != 200 && r.status() != 201) {
            throw new IllegalStateException("Run Once of " + task + " refused: " + r);
        }
        return UUID.fromString(r.json().path("runId").asString());
    }

    public Response send(HttpRequest.Builder request) {
        try {
            HttpResponse<String> response = http.send(request.timeout(Duration.ofSeconds(15))
                    .header("Authorization", "Bearer " + token).build(), HttpResponse.BodyHandlers.ofString());
            return new Response(response.statusCode(), response.body());
        } catch (IOException e) {
            throw new IllegalStateException("request to " + baseUrl + " failed: " + e, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    public record Response(int status, String body) {
        public JsonNode json() {
            return Json.tree(body);
        }
    }
}
