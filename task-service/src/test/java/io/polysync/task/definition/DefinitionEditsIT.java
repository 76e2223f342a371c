package io.polysync.task.definition;

import io.polysync.model.Json;
import io.polysync.model.Topics;
import io.polysync.model.event.TaskDefinitionChanged;
import io.polysync.runtime.testing.TopicProbe;
import io.polysync.task.support.Api;
import io.polysync.task.support.IntegrationTest;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import static org.assertj.core.api.Assertions.assertThat;

class DefinitionEditsIT extends IntegrationTest {

    private Api.Response put(String path, Object body) {
        return api.send("PUT", path, json(body));
    }

    private Api.Response delete(String path) {
        return api.send("DELETE", path, null);
    }

    private TaskDefinitionChanged awaitVersion(UUID taskId, long version) {
        return Json.decode(TopicProbe.await(Topics.TASK_DEFINITIONS, r -> taskId.toString().equals(r.key())
                && r.value() != null && Json.decode(r.value(), TaskDefinitionChanged.class).definitionVersion()
                == version).value(), TaskDefinitionChanged.class);
    }

    private static List<Long> versions(Api.Response page) {
        List<Long> versions = new ArrayList<>();
        page.body().path("content").forEach(v -> versions.add(v.path("version").asLong()));
        return versions;
    }

    @Test
    void putReplacesATaskAsANewVersionKeepingTheIdsOfSchedulesThatStay() {
        String task = unique("edited");
        UUID taskId = createNoopTask(task, List.of());
        String job = api.get("/api/v1/tasks/" + task).body().path("job").asString();
        Map<String, Object> first = Map.of("job", job, "parameters", Map.of("sleepMillis", 5),
                "schedules", List.of(Map.of("cron", "0 2 * * *", "timeZone", "Europe/Berlin")));
        Api.Response v2 = put("/api/v1/tasks/" + task, first);
        assertThat(v2.status()).as(v2.text()).isEqualTo(200);
        String scheduleId = v2.body().path("schedules").get(0).path("id").asString();

        Map<String, Object> second = new LinkedHashMap<>(first);
        second.put("name", task);
        second.put("priority", 90);
        second.put("schedules", List.of(Map.of("cron", "0 3 * * *", "timeZone", "UTC"),
                Map.of("cron", "0 2 * * *", "timeZone", "Europe/Berlin")));
        Api.Response v3 = put("/api/v1/tasks/" + task, second);
        Api.Response unchanged = put("/api/v1/tasks/" + task, second);

        assertThat(v2.body().path("definitionVersion").asLong()).isEqualTo(2);
        assertThat(v3.body().path("definitionVersion").asLong()).isEqualTo(3);
        assertThat(v3.body().path("priority").asInt()).isEqualTo(90);
        assertThat(v3.body().path("schedules").get(1).path("id").asString()).isEqualTo(scheduleId);
        assertThat(unchanged.status()).isEqualTo(200);
        assertThat(unchanged.body().path("definitionVersion").asLong()).isEqualTo(3);
        assertThat(awaitVersion(taskId, 3).task().priority()).isEqualTo(90);

        assertThat(versions(api.get("/api/v1/tasks/" + task + "/versions"))).containsExactly(3L, 2L, 1L);
        Api.Response paged = api.get("/api/v1/tasks/" + task + "/versions?size=2&page=1");
        assertThat(versions(paged)).containsExactly(1L);
        assertThat(paged.body().path("totalElements").asLong()).isEqualTo(3);
        Api.Response two = api.get("/api/v1/tasks/" + task + "/versions/2");
        assertThat(two.status()).isEqualTo(200);
        assertThat(two.body().path("task").path("parameters").path("sleepMillis").asInt()).isEqualTo(5);
        assertThat(two.body().path("task").path("priority").asInt()).isEqualTo(50);
        Api.Response missing = api.get("/api/v1/tasks/" + task + "/versions/9");
        assertThat(missing.status()).isEqualTo(404);
        assertThat(missing.errorFields()).containsExactly("version");
    }

    @Test
    void putRefusesANewNameOrJobAndChangesNothing() {
        String task = unique("fixed");
        createNoopTask(task, List.of());
        String job = api.get("/api/v1/tasks/" + task).body().path("job").asString();
        String otherTask = unique("other");
        createNoopTask(otherTask, List.of());
        String otherJob = api.get("/api/v1/tasks/" + otherTask).body().path("job").asString();
        Map<String, Integer> before = rowCounts();

        Api.Response renamed = put("/api/v1/tasks/" + task, Map.of("name", unique("renamed"), "job", job));
        Api.Response rejobbed = put("/api/v1/tasks/" + task, Map.of("job", otherJob));
        Api.Response renamedJob = put("/api/v1/jobs/" + job, Map.of("name", unique("j"), "platform", "x",
                "jobType", "noop"));

        assertThat(renamed.status()).isEqualTo(400);
        assertThat(renamed.errorFields()).containsExactly("name");
        assertThat(rejobbed.status()).isEqualTo(400);
        assertThat(rejobbed.errorFields()).containsExactly("job");
        assertThat(renamedJob.errorFields()).containsExactly("name");
        assertThat(renamed.contentType()).startsWith("application/problem+json");
        assertThat(rowCounts()).isEqualTo(before);
        assertThat(api.get("/api/v1/tasks/" + task).body().path("definitionVersion").asLong()).isEqualTo(1);
    }

    @Test
    void deletingWhatIsReferencedIsRefusedListingTheReferrersUnlessCascaded() {
        String parent = unique("upstream");
        UUID parentId = createNoopTask(parent, List.of("day"));
        JsonNode parentBody = api.get("/api/v1/tasks/" + parent).body();
        String job = parentBody.path("job").asString();
        String platform = parentBody.path("platform").asString();
        String child = unique("downstream");
        Api.Response created = api.post("/api/v1/tasks", json(Map.of("name", child, "job", job,
                "dependencies", List.of(Map.of("task", parent, "mappings",
                        List.of(Map.of("output", "day", "input", "failMessage")))))));
        assertThat(created.status()).as(created.text()).isEqualTo(201);
        UUID childId = UUID.fromString(created.body().path("id").asString());
        Map<String, Integer> before = rowCounts();

        Api.Response task = delete("/api/v1/tasks/" + parent);
        Api.Response jobDelete = delete("/api/v1/jobs/" + job);
        Api.Response platformDelete = delete("/api/v1/platforms/" + platform);

        assertThat(task.status()).isEqualTo(409);
        assertThat(task.contentType()).startsWith("application/problem+json");
        assertThat(task.body().path("referrers").path("tasks").toString()).isEqualTo("[\"" + child + "\"]");
        assertThat(jobDelete.status()).isEqualTo(409);
        List<String> jobUsers = new ArrayList<>();
        jobDelete.body().path("referrers").path("tasks").forEach(n -> jobUsers.add(n.asString()));
        assertThat(jobUsers).containsExactlyInAnyOrder(parent, child);
        assertThat(platformDelete.status()).isEqualTo(409);
        assertThat(platformDelete.body().path("referrers").path("jobs").toString()).isEqualTo("[\"" + job + "\"]");
        assertThat(rowCounts()).isEqualTo(before);

        Api.Response cascaded = delete("/api/v1/tasks/" + parent + "?cascade=true");

        assertThat(cascaded.status()).as(cascaded.text()).isEqualTo(204);
        assertThat(api.get("/api/v1/tasks/" + parent).status()).isEqualTo(404);
        JsonNode after = api.get("/api/v1/tasks/" + child).body();
        assertThat(after.path("definitionVersion").asLong()).isEqualTo(2);
        assertThat(after.path("dependencies").isEmpty()).isTrue();
        assertThat(awaitVersion(childId, 2).task().dependencies()).isEmpty();
        assertThat(TopicProbe.await(Topics.TASK_DEFINITIONS, r -> parentId.toString().equals(r.key())
                && r.value() == null)).isNotNull();

        assertThat(delete("/api/v1/tasks/" + child).status()).isEqualTo(204);
        assertThat(delete("/api/v1/jobs/" + job).status()).isEqualTo(204);
        assertThat(delete("/api/v1/platforms/" + platform).status()).isEqualTo(204);
        assertThat(delete("/api/v1/platforms/" + platform).status()).isEqualTo(404);
    }

    @Test
    void editingAJobOrItsPlatformRepublishesEveryTaskUsingIt() {
        String task = unique("embedded");
        UUID taskId = createNoopTask(task, List.of());
        JsonNode body = api.get("/api/v1/tasks/" + task).body();
        String job = body.path("job").asString();
        String platform = body.path("platform").asString();

        Api.Response jobEdit = put("/api/v1/jobs/" + job, Map.of("platform", platform, "jobType", "noop",
                "defaults", Map.of("sleepMillis", 7)));
        assertThat(jobEdit.status()).as(jobEdit.text()).isEqualTo(200);
        assertThat(awaitVersion(taskId, 2).task().job().defaults()).containsEntry("sleepMillis", 7);

        Api.Response platformEdit = put("/api/v1/platforms/" + platform, Map.of("name", platform, "type", "shell",
                "config", Map.of("workingDirectory", "/tmp")));
        assertThat(platformEdit.status()).as(platformEdit.text()).isEqualTo(200);
        assertThat(awaitVersion(taskId, 3).task().job().platform().config())
                .containsEntry("workingDirectory", "/tmp");
        assertThat(api.get("/api/v1/tasks/" + task).body().path("definitionVersion").asLong()).isEqualTo(3);
        assertThat(versions(api.get("/api/v1/tasks/" + task + "/versions"))).containsExactly(3L, 2L, 1L);

        Api.Response incompatible = put("/api/v1/platforms/" + platform, Map.of("type", "kafka",
                "config", Map.of("bootstrapServers", "localhost:9092")));
        assertThat(incompatible.status()).as(incompatible.text()).isEqualTo(200);
        assertThat(put("/api/v1/tasks/" + task, Map.of("parameters", Map.of("fail", false))).status())
                .isEqualTo(200);
        Api.Response breaking = put("/api/v1/jobs/" + job, Map.of("platform", platform, "jobType", "noop",
                "parameterSchema", Map.of("type", "object", "properties", Map.of())));
        assertThat(breaking.status()).as(breaking.text()).isEqualTo(400);
        assertThat(breaking.errorFields()).contains("parameterSchema");
    }

    @Test
    void rejectsADependencyThatClosesACycleOnPutNamingTheCycle() {
        String a = unique("a");
        createNoopTask(a, List.of());
        String job = api.get("/api/v1/tasks/" + a).body().path("job").asString();
        String b = unique("b");
        String c = unique("c");
        assertThat(api.post("/api/v1/tasks", json(Map.of("name", b, "job", job,
                "dependencies", List.of(Map.of("task", a))))).status()).isEqualTo(201);
        assertThat(api.post("/api/v1/tasks", json(Map.of("name", c, "job", job,
                "dependencies", List.of(Map.of("task", b))))).status()).isEqualTo(201);
        Map<String, Integer> before = rowCounts();

        Api.Response cycle = put("/api/v1/tasks/" + a, Map.of("job", job, "dependencies", List.of(Map.of("task", c))));

        assertThat(cycle.status()).isEqualTo(400);
        assertThat(cycle.errorFields()).containsExactly("dependencies[0].task");
        assertThat(cycle.body().path("detail").asString()).contains(a + " → " + c + " → " + b + " → " + a);
        assertThat(rowCounts()).isEqualTo(before);
    }

    @Test
    void namesEachInvalidFieldAndChangesNothing() {
        String parent = unique("src");
        createNoopTask(parent, List.of("day"));
        JsonNode parentBody = api.get("/api/v1/tasks/" + parent).body();
        String job = parentBody.path("job").asString();
        String platform = parentBody.path("platform").asString();
        String httpPlatform = unique("web");
        assertThat(api.post("/api/v1/platforms", json(Map.of("name", httpPlatform, "type", "http",
                "config", Map.of("baseUrl", "http://127.0.0.1:9"))))
                .status()).isEqualTo(201);
        Map<String, Integer> before = rowCounts();

        Api.Response task = api.post("/api/v1/tasks", json(Map.of("name", unique("bad"), "job", job,
                "parameters", Map.of("sleepMillis", "long", "colour", "red"),
                "dependencies", List.of(Map.of("task", parent, "mappings",
                        List.of(Map.of("output", "day", "input", "weekday")))),
                "contentionProfiles", List.of("no-such-profile"))));
        Api.Response widerJob = api.post("/api/v1/jobs", json(Map.of("name", unique("wide"),
                "platform", httpPlatform, "jobType", "http.request", "parameterSchema", Map.of("type", "object",
                        "properties", Map.of("path", Map.of("type", "string"), "verb", Map.of("type", "string"),
                                "timeoutSeconds", Map.of("type", "integer", "minimum", 0, "maximum", 3600)),
                        "required", List.of("path")))));
        Api.Response missingRequired = api.post("/api/v1/jobs", json(Map.of("name", unique("req"),
                "platform", httpPlatform, "jobType", "http.request",
                "parameterSchema", Map.of("type", "object", "properties", Map.of("path", Map.of("type", "string"))))));
        Api.Response badDefaults = api.post("/api/v1/jobs", json(Map.of("name", unique("defaults"),
                "platform", platform, "jobType", "noop", "defaults", Map.of("sleepMillis", "x", "extra", 1))));

        assertThat(task.status()).isEqualTo(400);
        assertThat(task.errorFields()).containsExactlyInAnyOrder("parameters.sleepMillis", "parameters.colour",
                "dependencies[0].mappings[0].input", "contentionProfiles[0]");
        assertThat(widerJob.errorFields()).containsExactlyInAnyOrder("parameterSchema.properties.verb",
                "parameterSchema.properties.timeoutSeconds");
        assertThat(missingRequired.errorFields()).containsExactly("parameterSchema.properties.path");
        assertThat(badDefaults.errorFields()).containsExactlyInAnyOrder("defaults.sleepMillis", "defaults.extra");
        assertThat(rowCounts()).isEqualTo(before);
    }
}
