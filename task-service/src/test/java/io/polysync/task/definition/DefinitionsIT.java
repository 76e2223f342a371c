package io.polysync.task.definition;

import io.polysync.model.Json;
import io.polysync.model.Topics;
import io.polysync.model.event.TaskDefinitionChanged;
import io.polysync.model.jobtype.JobTypeCatalog;
import io.polysync.model.task.Backoff;
import io.polysync.model.task.MisfirePolicy;
import io.polysync.model.task.OutputMapping;
import io.polysync.model.task.TaskSnapshot;
import io.polysync.runtime.testing.TopicProbe;
import io.polysync.task.support.Api;
import io.polysync.task.support.IntegrationTest;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import static org.assertj.core.api.Assertions.assertThat;

class DefinitionsIT extends IntegrationTest {

    @Test
    void createsPlatformJobAndTaskAndPublishesTheTaskWithItsJobAndPlatform() {
        String platform = unique("billing");
        String job = unique("refresh");
        String task = unique("nightly");

        Api.Response p = api.post("/api/v1/platforms", json(Map.of("name", platform, "type", "http",
                "config", Map.of("baseUrl", "http://127.0.0.1:9"))));
        assertThat(p.status()).as(p.text()).isEqualTo(201);
        assertThat(p.location()).isEqualTo("/api/v1/platforms/" + platform);
        assertThat(p.body().path("config").path("baseUrl").asString()).isEqualTo("http://127.0.0.1:9");

        Api.Response j = api.post("/api/v1/jobs", json(Map.of("name", job, "platform", platform,
                "jobType", "http.request", "defaults", Map.of("method", "POST"))));
        assertThat(j.status()).as(j.text()).isEqualTo(201);
        assertThat(j.location()).isEqualTo("/api/v1/jobs/" + job);
        assertThat(j.body().path("platformType").asString()).isEqualTo("http");
        assertThat(j.body().path("outputs").toString()).isEqualTo("[\"status\",\"body\"]");
        assertThat(Json.mapper().convertValue(j.body().path("parameterSchema"), Map.class))
                .isEqualTo(JobTypeCatalog.builtIn().find("http.request").orElseThrow().parameterSchema());

        String vault = unique("main");
        assertThat(api.post("/api/v1/vaults", json(Map.of("name", vault, "kind", "env",
                "config", Map.of("prefix", "BILLING_")))).status()).isEqualTo(201);
        String profile = unique("warehouse");
        assertThat(api.post("/api/v1/contention-profiles", json(Map.of("name", profile, "maxConcurrent", 2)))
                .status()).isEqualTo(201);
        Map<String, Object> body = Map.of("name", task, "job", job,
                "parameters", Map.of("path", "/refresh",
                        "headers", Map.of("Authorization", "vault://" + vault + "/billing-token")),
                "schedules", List.of(Map.of("cron", "0 2 * * *", "timeZone", "Europe/Berlin")),
                "misfirePolicy", "FIRE_ONCE", "priority", 80,
                "retry", Map.of("enabled", true, "maxRetryAttempts", 3, "backoff", "EXPONENTIAL",
                        "initialDelaySeconds", 10, "maxDelaySeconds", 300, "jitter", false),
                "executionTimeoutSeconds", 600, "maxConcurrentRuns", 1, "contentionProfiles", List.of(profile));
        Api.Response t = api.post("/api/v1/tasks", json(body));
        assertThat(t.status()).as(t.text()).isEqualTo(201);
        assertThat(t.location()).isEqualTo("/api/v1/tasks/" + task);
        assertThat(t.body().path("definitionVersion").asLong()).isEqualTo(1);
        assertThat(t.body().path("platform").asString()).isEqualTo(platform);
        assertThat(t.body().path("jobType").asString()).isEqualTo("http.request");
        UUID taskId = UUID.fromString(t.body().path("id").asString());

        Api.Response read = api.get("/api/v1/tasks/" + task);
        assertThat(read.status()).isEqualTo(200);
        assertThat(read.body()).isEqualTo(t.body());
        assertThat(api.get("/api/v1/platforms/" + platform).body()).isEqualTo(p.body());
        assertThat(api.get("/api/v1/jobs/" + job).body()).isEqualTo(j.body());

        ConsumerRecord<String, String> record = TopicProbe.await(Topics.TASK_DEFINITIONS,
                r -> taskId.toString().equals(r.key()));
        TaskDefinitionChanged event = Json.decode(record.value(), TaskDefinitionChanged.class);
        TaskSnapshot snapshot = event.task();
        assertThat(event.definitionVersion()).isEqualTo(1);
        assertThat(event.taskName()).isEqualTo(task);
        assertThat(snapshot.job().name()).isEqualTo(job);
        assertThat(snapshot.job().defaults()).containsEntry("method", "POST");
        assertThat(snapshot.job().platform().name()).isEqualTo(platform);
        assertThat(snapshot.job().platform().config()).containsEntry("baseUrl", "http://127.0.0.1:9");
        assertThat(snapshot.parameters()).containsEntry("headers",
                Map.of("Authorization", "vault://" + vault + "/billing-token"));
        assertThat(snapshot.priority()).isEqualTo(80);
        assertThat(snapshot.retry().backoff()).isEqualTo(Backoff.EXPONENTIAL);
        assertThat(snapshot.retry().maxDelaySeconds()).isEqualTo(300L);
        assertThat(snapshot.misfirePolicy()).isEqualTo(MisfirePolicy.FIRE_ONCE);
        assertThat(snapshot.schedules()).singleElement().satisfies(s -> {
            assertThat(s.cron()).isEqualTo("0 2 * * *");
            assertThat(s.timeZone()).isEqualTo("Europe/Berlin");
            assertThat(s.scheduleId()).hasToString(t.body().path("schedules").get(0).path("id").asString());
        });
        assertThat(snapshot.executionTimeoutSeconds()).isEqualTo(600L);
        assertThat(snapshot.maxConcurrentRuns()).isEqualTo(1);
        assertThat(snapshot.contentionProfiles()).containsExactly(profile);

        String stored = jdbc.queryForObject("SELECT snapshot FROM task_version WHERE task_id = ? AND version = 1",
                String.class, taskId);
        assertThat(Json.decode(stored, TaskSnapshot.class)).isEqualTo(snapshot);
        assertThat(jdbc.queryForObject("SELECT definition_version FROM task WHERE id = ?", Long.class, taskId))
                .isEqualTo(1L);
        Api.Response versions = api.get("/api/v1/tasks/" + task + "/versions");
        assertThat(versions.status()).isEqualTo(200);
        assertThat(versions.body().path("content")).hasSize(1);
        assertThat(versions.body().path("content").get(0).path("version").asLong()).isEqualTo(1);
        assertThat(Json.mapper().convertValue(versions.body().path("content").get(0).path("task"), TaskSnapshot.class))
                .isEqualTo(snapshot);
    }

    @Test
    void storesDependenciesWithTheirMappingsAndPublishesTheParentsId() {
        String parent = unique("extract");
        UUID parentId = createNoopTask(parent, List.of("day"));
        String job = api.get("/api/v1/tasks/" + parent).body().path("job").asString();
        String child = unique("load");

        Api.Response created = api.post("/api/v1/tasks", json(Map.of("name", child, "job", job,
                "dependencies", List.of(Map.of("task", parent,
                        "mappings", List.of(Map.of("output", "day", "input", "failMessage")))))));

        assertThat(created.status()).as(created.text()).isEqualTo(201);
        assertThat(created.body().path("dependencies").get(0).path("task").asString()).isEqualTo(parent);
        UUID childId = UUID.fromString(created.body().path("id").asString());
        TaskDefinitionChanged event = Json.decode(TopicProbe.await(Topics.TASK_DEFINITIONS,
                r -> childId.toString().equals(r.key())).value(), TaskDefinitionChanged.class);
        assertThat(event.task().dependencies()).singleElement().satisfies(d -> {
            assertThat(d.taskId()).isEqualTo(parentId);
            assertThat(d.task()).isEqualTo(parent);
            assertThat(d.mappings()).containsExactly(new OutputMapping("day", "failMessage"));
        });
    }

    @Test
    void appliesDefaultsToAMinimalTask() {
        String task = unique("minimal");
        createNoopTask(task, List.of());

        JsonNode body = api.get("/api/v1/tasks/" + task).body();

        assertThat(body.path("priority").asInt()).isEqualTo(50);
        assertThat(body.path("misfirePolicy").asString()).isEqualTo("FIRE_ONCE");
        assertThat(body.path("retry").path("enabled").asBoolean()).isFalse();
        assertThat(body.path("parameters").isObject()).isTrue();
        assertThat(body.path("schedules").isEmpty()).isTrue();
        assertThat(body.path("executionTimeoutSeconds").isNull()).isTrue();
        assertThat(body.path("maxConcurrentRuns").isNull()).isTrue();
    }

    @Test
    void listsPagedSortedByNameAndFilteredByName() {
        String prefix = unique("lst");
        for (String suffix : List.of("c", "a", "b")) {
            assertThat(api.post("/api/v1/platforms", json(Map.of("name", prefix + "-" + suffix, "type", "kafka",
                    "config", Map.of("bootstrapServers", "localhost:9092"))))
                    .status()).isEqualTo(201);
        }

        Api.Response first = api.get("/api/v1/platforms?name=" + prefix + "&size=2");
        Api.Response second = api.get("/api/v1/platforms?name=" + prefix + "&size=2&page=1");

        assertThat(first.status()).isEqualTo(200);
        assertThat(first.body().path("totalElements").asLong()).isEqualTo(3);
        assertThat(first.body().path("page").asInt()).isZero();
        assertThat(first.body().path("size").asInt()).isEqualTo(2);
        assertThat(names(first)).containsExactly(prefix + "-a", prefix + "-b");
        assertThat(names(second)).containsExactly(prefix + "-c");
        assertThat(api.get("/api/v1/platforms?name=" + prefix + "-b").body().path("totalElements").asLong())
                .isEqualTo(1);

        String task = unique("listed");
        createNoopTask(task, List.of());
        assertThat(names(api.get("/api/v1/tasks?name=" + task))).containsExactly(task);
        String job = api.get("/api/v1/tasks/" + task).body().path("job").asString();
        assertThat(names(api.get("/api/v1/jobs?name=" + job))).containsExactly(job);
        assertThat(api.get("/api/v1/tasks").body().path("totalElements").asLong()).isPositive();
    }

    @Test
    void servesTheJobTypeCatalog() {
        Api.Response types = api.get("/api/v1/job-types");

        assertThat(types.status()).isEqualTo(200);
        List<String> names = new ArrayList<>();
        types.body().forEach(t -> names.add(t.path("name").asString()));
        assertThat(names).containsExactly("noop", "http.request", "shell.command", "sql.query", "kafka.publish");
        JsonNode http = types.body().get(1);
        assertThat(http.path("platformTypes").toString()).isEqualTo("[\"http\"]");
        assertThat(http.path("parameterSchema").path("required").toString()).isEqualTo("[\"path\"]");
        assertThat(http.path("outputs").toString()).isEqualTo("[\"status\",\"body\"]");
        assertThat(http.path("description").asString()).isNotBlank();
    }

    private static List<String> names(Api.Response page) {
        List<String> names = new ArrayList<>();
        page.body().path("content").forEach(n -> names.add(n.path("name").asString()));
        return names;
    }
}
