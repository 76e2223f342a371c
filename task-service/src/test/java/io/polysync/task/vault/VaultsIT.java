package io.polysync.task.vault;

import io.polysync.model.Topics;
import io.polysync.runtime.testing.TopicProbe;
import io.polysync.task.support.Api;
import io.polysync.task.support.IntegrationTest;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import static org.assertj.core.api.Assertions.assertThat;

@ExtendWith(OutputCaptureExtension.class)
class VaultsIT extends IntegrationTest {

    private final List<Api.Response> responses = new ArrayList<>();

    private Api.Response record(Api.Response response) {
        responses.add(response);
        return response;
    }

    private Api internal() {
        return api.withToken(INTERNAL_TOKEN);
    }

    private void createVault(String name, String kind, Map<String, Object> config) {
        Api.Response created = record(api.post("/api/v1/vaults", json(Map.of("name", name, "kind", kind,
                "config", config))));
        assertThat(created.status()).as(created.text()).isEqualTo(201);
        assertThat(created.location()).isEqualTo("/api/v1/vaults/" + name);
    }

    private Api.Response putSecret(String vault, String name, String value) {
        return record(api.send("PUT", "/api/v1/vaults/" + vault + "/secrets/" + name, json(Map.of("value", value))));
    }

    @Test
    void keepsBuiltinValuesWriteOnlyAndServesThemOnlyWithTheInternalToken(CapturedOutput output) {
        String vault = unique("main");
        String first = "first-" + UUID.randomUUID();
        String second = "second-" + UUID.randomUUID();
        createVault(vault, "builtin", Map.of());

        assertThat(putSecret(vault, "billing-token", first).status()).isEqualTo(204);
        assertThat(putSecret(vault, "billing-token", second).status()).isEqualTo(204);
        assertThat(putSecret(vault, "other", "x").status()).isEqualTo(204);

        Api.Response listed = record(api.get("/api/v1/vaults/" + vault + "/secrets"));
        assertThat(listed.status()).isEqualTo(200);
        assertThat(listed.body().path("content")).hasSize(2);
        assertThat(listed.body().path("content").get(0).path("name").asString()).isEqualTo("billing-token");
        assertThat(listed.body().path("content").get(0).has("updatedAt")).isTrue();
        assertThat(listed.body().path("content").get(0).has("value")).isFalse();
        assertThat(record(api.get("/api/v1/vaults/" + vault)).body().path("kind").asString()).isEqualTo("builtin");
        assertThat(record(api.get("/api/v1/vaults?name=" + vault)).body().path("totalElements").asLong())
                .isEqualTo(1);
        assertThat(jdbc.queryForList("SELECT ciphertext FROM vault_secret", String.class))
                .noneMatch(c -> c.contains(first) || c.contains(second));

        String path = "/internal/v1/vaults/" + vault + "/secrets/billing-token";
        Api.Response value = internal().get(path);
        assertThat(value.status()).isEqualTo(200);
        assertThat(value.body().path("value").asString()).isEqualTo(second);
        Api.Response adminToken = record(api.get(path));
        assertThat(adminToken.status()).isEqualTo(401);
        assertThat(adminToken.contentType()).startsWith("application/problem+json");
        assertThat(record(api.anonymous().get(path)).status()).isEqualTo(401);
        assertThat(record(api.withToken("wrong").get(path)).status()).isEqualTo(401);
        assertThat(record(internal().get("/internal/v1/vaults/" + vault + "/secrets/missing")).status())
                .isEqualTo(404);
        assertThat(record(internal().get("/api/v1/vaults")).status()).isEqualTo(401);
        assertThat(record(internal().get("/api/v1/vaults/" + vault + "/secrets")).status()).isEqualTo(401);

        // the value travels nowhere through definitions: a platform, job and task that reference it
        String platform = unique("billing");
        String job = unique("call");
        String task = unique("nightly");
        assertThat(record(api.post("/api/v1/platforms", json(Map.of("name", platform, "type", "http", "config",
                Map.of("baseUrl", "https://billing.example", "headers",
                        Map.of("Authorization", "vault://" + vault + "/billing-token")))))).status()).isEqualTo(201);
        assertThat(record(api.post("/api/v1/jobs", json(Map.of("name", job, "platform", platform,
                "jobType", "http.request")))).status()).isEqualTo(201);
        Api.Response created = record(api.post("/api/v1/tasks", json(Map.of("name", task, "job", job,
                "parameters", Map.of("path", "/refresh", "headers",
                        Map.of("X-Extra", "vault://" + vault + "/other"))))));
        assertThat(created.status()).as(created.text()).isEqualTo(201);
        record(api.get("/api/v1/tasks/" + task + "/versions"));

        TopicProbe.await(Topics.TASK_DEFINITIONS, r -> r.value() != null && r.value().contains(task));
        List<ConsumerRecord<String, String>> definitions = TopicProbe.readAll(Topics.TASK_DEFINITIONS);
        assertThat(definitions).extracting(ConsumerRecord::value)
                .noneMatch(v -> v != null && (v.contains(first) || v.contains(second)));
        assertThat(responses).extracting(Api.Response::text)
                .noneMatch(t -> t != null && (t.contains(first) || t.contains(second)));
        assertThat(output.getAll()).doesNotContain(first).doesNotContain(second);
    }

    @Test
    void readsEnvAndFileVaultsThroughTheInternalEndpoint(@TempDir Path directory) throws IOException {
        String variable = System.getenv().containsKey("PATH") ? "PATH" : System.getenv().keySet().iterator().next();
        String env = unique("env");
        createVault(env, "env", Map.of("prefix", variable.substring(0, 2)));
        assertThat(internal().get("/internal/v1/vaults/" + env + "/secrets/" + variable.substring(2))
                .body().path("value").asString()).isEqualTo(System.getenv(variable));
        assertThat(internal().get("/internal/v1/vaults/" + env + "/secrets/NO_SUCH_VARIABLE_X").status())
                .isEqualTo(404);

        String files = unique("files");
        Files.writeString(directory.resolve("db-password"), "from-a-file\n");
        createVault(files, "file", Map.of("directory", directory.toString()));
        assertThat(internal().get("/internal/v1/vaults/" + files + "/secrets/db-password")
                .body().path("value").asString()).isEqualTo("from-a-file");
        assertThat(internal().get("/internal/v1/vaults/" + files + "/secrets/.db-password").status())
                .isEqualTo(404);

        Api.Response notBuiltin = api.send("PUT", "/api/v1/vaults/" + env + "/secrets/x", json(Map.of("value", "v")));
        assertThat(notBuiltin.status()).isEqualTo(409);
        assertThat(api.send("PUT", "/api/v1/vaults/" + env, json(Map.of("kind", "env",
                "config", Map.of("prefix", "OTHER_")))).body().path("config").path("prefix").asString())
                .isEqualTo("OTHER_");
        assertThat(api.send("PUT", "/api/v1/vaults/" + env, json(Map.of("kind", "builtin"))).errorFields())
                .containsExactly("kind");
    }

    @Test
    void rejectsBadVaultsAndSecretsByField() {
        assertThat(api.post("/api/v1/vaults", json(Map.of("name", unique("f"), "kind", "file",
                "config", Map.of("directory", "relative")))).errorFields()).containsExactly("config.directory");
        assertThat(api.post("/api/v1/vaults", json(Map.of("name", unique("x"), "kind", "s3")))
                .errorFields()).containsExactly("kind");
        String vault = unique("main");
        createVault(vault, "builtin", Map.of());
        assertThat(api.post("/api/v1/vaults", json(Map.of("name", vault, "kind", "builtin"))).status())
                .isEqualTo(409);
        assertThat(api.send("PUT", "/api/v1/vaults/" + vault + "/secrets/bad%20name", json(Map.of("value", "v")))
                .errorFields()).containsExactly("name");
        assertThat(api.send("PUT", "/api/v1/vaults/" + vault + "/secrets/ok", "{}").errorFields())
                .containsExactly("value");
        assertThat(api.send("PUT", "/api/v1/vaults/missing-vault/secrets/ok", json(Map.of("value", "v"))).status())
                .isEqualTo(404);
        assertThat(putSecret(vault, "gone", "v").status()).isEqualTo(204);
        assertThat(api.send("DELETE", "/api/v1/vaults/" + vault + "/secrets/gone", null).status()).isEqualTo(204);
        assertThat(api.send("DELETE", "/api/v1/vaults/" + vault + "/secrets/gone", null).status()).isEqualTo(404);
    }

    @Test
    void rejectsPlatformConfigByFieldWithoutRepeatingTheValue() {
        String literal = "Bearer literal-" + UUID.randomUUID();
        Api.Response literalHeader = api.post("/api/v1/platforms", json(Map.of("name", unique("p"), "type", "http",
                "config", Map.of("baseUrl", "https://a.example", "headers", Map.of("Authorization", literal)))));
        assertThat(literalHeader.status()).isEqualTo(400);
        assertThat(literalHeader.errorFields()).containsExactly("config.headers.Authorization");
        assertThat(literalHeader.body().path("errors").get(0).path("message").asString())
                .isEqualTo("accepts only a vault reference (vault://<vault>/<secret>)");
        assertThat(literalHeader.text()).doesNotContain(literal);

        assertThat(api.post("/api/v1/platforms", json(Map.of("name", unique("p"), "type", "postgres",
                "config", Map.of("jdbcUrl", "jdbc:postgresql://db/app", "password", "vault://no-such-vault/pw",
                        "extra", 1)))).errorFields()).containsExactlyInAnyOrder("config.extra", "config.password");
        assertThat(api.post("/api/v1/platforms", json(Map.of("name", unique("p"), "type", "kafka")))
                .errorFields()).containsExactly("config.bootstrapServers");
        Api.Response http = api.post("/api/v1/platforms", json(Map.of("name", unique("p"), "type", "http",
                "config", Map.of("baseUrl", "https://api.example.com/v1"))));
        assertThat(http.body().path("config").path("allowedHosts").get(0).asString()).isEqualTo("api.example.com");
    }

    @Test
    void rejectsReferencesToUnknownVaultsInTaskParametersAndRunOverrides() {
        String task = unique("t");
        createNoopTask(task, List.of());
        String job = unique("j");
        String platform = unique("p");
        api.post("/api/v1/platforms", json(Map.of("name", platform, "type", "http",
                "config", Map.of("baseUrl", "https://a.example"))));
        api.post("/api/v1/jobs", json(Map.of("name", job, "platform", platform, "jobType", "http.request")));

        Api.Response unknownVault = api.post("/api/v1/tasks", json(Map.of("name", unique("t"), "job", job,
                "parameters", Map.of("path", "vault://no-such-vault/path"))));
        assertThat(unknownVault.status()).isEqualTo(400);
        assertThat(unknownVault.errorFields()).containsExactly("parameters.path");

        Api.Response run = api.post("/api/v1/tasks/" + task + "/runs",
                json(Map.of("parameters", Map.of("sleepMillis", "vault://no-such-vault/x"))));
        assertThat(run.status()).isEqualTo(400);
        assertThat(run.errorFields()).contains("parameters.sleepMillis");
    }

    @Test
    void refusesToDeleteAReferencedVaultListingItsReferrers() {
        String vault = unique("shared");
        createVault(vault, "builtin", Map.of());
        String platform = unique("p");
        String job = unique("j");
        String task = unique("t");
        assertThat(api.post("/api/v1/platforms", json(Map.of("name", platform, "type", "postgres", "config",
                Map.of("jdbcUrl", "jdbc:postgresql://db/app", "password", "vault://" + vault + "/pw")))).status())
                .isEqualTo(201);
        String http = unique("h");
        api.post("/api/v1/platforms", json(Map.of("name", http, "type", "http",
                "config", Map.of("baseUrl", "https://a.example"))));
        api.post("/api/v1/jobs", json(Map.of("name", job, "platform", http, "jobType", "http.request")));
        assertThat(api.post("/api/v1/tasks", json(Map.of("name", task, "job", job,
                "parameters", Map.of("path", "vault://" + vault + "/path")))).status()).isEqualTo(201);

        Api.Response refused = api.send("DELETE", "/api/v1/vaults/" + vault, null);
        assertThat(refused.status()).isEqualTo(409);
        assertThat(refused.body().path("referrers").path("platforms").get(0).asString()).isEqualTo(platform);
        assertThat(refused.body().path("referrers").path("tasks").get(0).asString()).isEqualTo(task);
        assertThat(api.get("/api/v1/vaults/" + vault).status()).isEqualTo(200);

        String unused = unique("unused");
        createVault(unused, "builtin", Map.of());
        assertThat(putSecret(unused, "s", "v").status()).isEqualTo(204);
        assertThat(api.send("DELETE", "/api/v1/vaults/" + unused, null).status()).isEqualTo(204);
        assertThat(api.get("/api/v1/vaults/" + unused).status()).isEqualTo(404);
    }
}
