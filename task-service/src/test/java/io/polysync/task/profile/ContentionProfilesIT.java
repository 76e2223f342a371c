package io.polysync.task.profile;

import io.polysync.model.Json;
import io.polysync.model.Topics;
import io.polysync.model.event.TaskDefinitionChanged;
import io.polysync.model.task.ContentionProfileSnapshot;
import io.polysync.runtime.testing.TopicProbe;
import io.polysync.task.support.Api;
import io.polysync.task.support.IntegrationTest;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import static org.assertj.core.api.Assertions.assertThat;

class ContentionProfilesIT extends IntegrationTest {

    private static final String PROFILES = "/api/v1/contention-profiles";

    @Test
    void createsReadsListsReplacesAndDeletesAProfileShowingItsTasks() {
        String name = unique("warehouse");
        Api.Response created = api.post(PROFILES, json(Map.of("name", name, "maxConcurrent", 2,
                "rateLimit", Map.of("runs", 10, "per", "PT1M"))));
        assertThat(created.status()).as(created.text()).isEqualTo(201);
        assertThat(created.location()).isEqualTo(PROFILES + "/" + name);
        assertThat(created.body().path("rateLimit").path("per").asString()).isEqualTo("PT1M");

        String task = unique("limited");
        createNoopTask(task, List.of());
        String job = api.get("/api/v1/tasks/" + task).body().path("job").asString();
        assertThat(api.send("PUT", "/api/v1/tasks/" + task, json(Map.of("job", job,
                "contentionProfiles", List.of(name)))).status()).isEqualTo(200);

        Api.Response read = api.get(PROFILES + "/" + name);
        assertThat(read.body().path("tasks").toString()).isEqualTo("[\"" + task + "\"]");
        assertThat(read.body().path("maxConcurrent").asInt()).isEqualTo(2);
        Api.Response listed = api.get(PROFILES + "?name=" + name + "&size=5");
        assertThat(listed.body().path("totalElements").asLong()).isEqualTo(1);
        assertThat(listed.body().path("content").get(0).path("name").asString()).isEqualTo(name);

        Api.Response replaced = api.send("PUT", PROFILES + "/" + name, json(Map.of("rateLimit",
                Map.of("runs", 5, "per", "PT30S"))));
        assertThat(replaced.status()).as(replaced.text()).isEqualTo(200);
        assertThat(replaced.body().path("maxConcurrent").isNull()).isTrue();
        assertThat(replaced.body().path("rateLimit").path("runs").asInt()).isEqualTo(5);

        Api.Response inUse = api.send("DELETE", PROFILES + "/" + name, null);
        assertThat(inUse.status()).isEqualTo(409);
        assertThat(inUse.body().path("referrers").path("tasks").toString()).isEqualTo("[\"" + task + "\"]");

        assertThat(api.send("PUT", "/api/v1/tasks/" + task, json(Map.of("job", job))).status()).isEqualTo(200);
        assertThat(api.send("DELETE", PROFILES + "/" + name, null).status()).isEqualTo(204);
        assertThat(api.get(PROFILES + "/" + name).status()).isEqualTo(404);
    }

    @Test
    void namesEachBadFieldAndRefusesRenames() {
        String name = unique("p");
        Api.Response empty = api.post(PROFILES, json(Map.of("name", name)));
        Api.Response bad = api.post(PROFILES, json(Map.of("name", "Bad Name", "maxConcurrent", 0,
                "rateLimit", Map.of("runs", 0, "per", "a minute"))));
        assertThat(empty.status()).isEqualTo(400);
        assertThat(empty.errorFields()).containsExactly("maxConcurrent");
        assertThat(bad.errorFields()).containsExactlyInAnyOrder("name", "maxConcurrent", "rateLimit.runs",
                "rateLimit.per");
        assertThat(api.get(PROFILES + "/" + name).status()).isEqualTo(404);

        assertThat(api.post(PROFILES, json(Map.of("name", name, "maxConcurrent", 1))).status()).isEqualTo(201);
        Api.Response renamed = api.send("PUT", PROFILES + "/" + name, json(Map.of("name", "other",
                "maxConcurrent", 3)));
        assertThat(renamed.status()).isEqualTo(400);
        assertThat(renamed.errorFields()).containsExactly("name");
        assertThat(api.get(PROFILES + "/" + name).body().path("maxConcurrent").asInt()).isEqualTo(1);
        assertThat(api.post(PROFILES, json(Map.of("name", name, "maxConcurrent", 1))).status()).isEqualTo(409);
    }

    @Test
    void editingAProfileRepublishesEveryLinkedTaskWithItsNewLimits() {
        String shared = unique("shared");
        String other = unique("other");
        assertThat(api.post(PROFILES, json(Map.of("name", shared, "maxConcurrent", 5))).status()).isEqualTo(201);
        assertThat(api.post(PROFILES, json(Map.of("name", other, "rateLimit", Map.of("runs", 3, "per", "PT1M"))))
                .status()).isEqualTo(201);
        String first = unique("linked");
        String second = unique("linked");
        String unlinked = unique("unlinked");
        UUID firstId = link(first, List.of(other, shared));
        UUID secondId = link(second, List.of(shared));
        UUID unlinkedId = createNoopTask(unlinked, List.of());
        assertThat(awaitVersion(firstId, 2).task().profiles()).containsExactly(
                new ContentionProfileSnapshot(other, null, new ContentionProfileSnapshot.RateLimit(3,
                        Duration.ofMinutes(1)), 1),
                new ContentionProfileSnapshot(shared, 5, null, 1));

        Api.Response replaced = api.send("PUT", PROFILES + "/" + shared, json(Map.of("maxConcurrent", 2,
                "rateLimit", Map.of("runs", 10, "per", "PT30S"))));
        assertThat(replaced.status()).as(replaced.text()).isEqualTo(200);
        assertThat(replaced.body().path("version").asLong()).isEqualTo(2);

        ContentionProfileSnapshot limits = new ContentionProfileSnapshot(shared, 2,
                new ContentionProfileSnapshot.RateLimit(10, Duration.ofSeconds(30)), 2);
        TaskDefinitionChanged firstAgain = awaitVersion(firstId, 3);
        assertThat(firstAgain.task().contentionProfiles()).containsExactly(other, shared);
        assertThat(firstAgain.task().profiles()).extracting(ContentionProfileSnapshot::name)
                .containsExactly(other, shared);
        assertThat(firstAgain.task().profiles().get(1)).isEqualTo(limits);
        assertThat(awaitVersion(secondId, 3).task().profiles()).containsExactly(limits);
        assertThat(api.get("/api/v1/tasks/" + second + "/versions/3").body().path("task").path("profiles")
                .get(0).path("maxConcurrent").asInt()).isEqualTo(2);
        assertThat(api.get("/api/v1/tasks/" + unlinked).body().path("definitionVersion").asLong()).isEqualTo(1);

        Api.Response same = api.send("PUT", PROFILES + "/" + shared, json(Map.of("maxConcurrent", 2,
                "rateLimit", Map.of("runs", 10, "per", "PT30S"))));
        assertThat(same.body().path("version").asLong()).isEqualTo(2);
        assertThat(api.get("/api/v1/tasks/" + second).body().path("definitionVersion").asLong()).isEqualTo(3);
        assertThat(TopicProbe.readAll(Topics.TASK_DEFINITIONS)).noneMatch(r -> unlinkedId.toString().equals(r.key())
                && r.value() != null && Json.decode(r.value(), TaskDefinitionChanged.class).definitionVersion() > 1);
    }

    /** Creates a task and links it to {@code profiles} as its version 2; answers its id. */
    private UUID link(String task, List<String> profiles) {
        UUID id = createNoopTask(task, List.of());
        String job = api.get("/api/v1/tasks/" + task).body().path("job").asString();
        Api.Response linked = api.send("PUT", "/api/v1/tasks/" + task, json(Map.of("job", job,
                "contentionProfiles", profiles)));
        assertThat(linked.status()).as(linked.text()).isEqualTo(200);
        return id;
    }

    private static TaskDefinitionChanged awaitVersion(UUID taskId, long version) {
        return Json.decode(TopicProbe.await(Topics.TASK_DEFINITIONS, r -> taskId.toString().equals(r.key())
                && r.value() != null && Json.decode(r.value(), TaskDefinitionChanged.class).definitionVersion()
                == version).value(), TaskDefinitionChanged.class);
    }
}
