package io.polysync.task.token;

import io.polysync.task.support.Api;
import io.polysync.task.support.IntegrationTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.springframework.boot.logging.LogLevel;
import org.springframework.boot.logging.LoggingSystem;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;

import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

@ExtendWith(OutputCaptureExtension.class)
class TokensIT extends IntegrationTest {

    @Test
    void aCreatedTokenIsShownOnceWorksWithItsRoleIsListedWithoutItsValueAndStopsWorkingWhenDeleted() {
        String name = unique("ci");
        Api.Response created = api.post("/api/v1/tokens", json(Map.of("name", name, "role", "editor")));
        assertThat(created.status()).as(created.text()).isEqualTo(201);
        assertThat(created.location()).isEqualTo("/api/v1/tokens/" + name);
        String token = created.body().path("token").asString();
        assertThat(token).matches("psy_[A-Za-z0-9_-]{43}");
        assertThat(created.body().path("role").asString()).isEqualTo("editor");

        Api editor = api.withToken(token);
        assertThat(editor.get("/api/v1/platforms").status()).isEqualTo(200);
        assertThat(editor.get("/api/v1/tokens").status()).isEqualTo(403);

        Api.Response one = api.get("/api/v1/tokens/" + name);
        assertThat(one.status()).isEqualTo(200);
        assertThat(one.body().path("lastUsedAt").isNull()).isFalse();
        Api.Response list = api.get("/api/v1/tokens?name=" + name);
        assertThat(list.body().path("totalElements").asLong()).isEqualTo(1);
        assertThat(list.body().path("content").get(0).propertyNames()).containsExactly("name", "role", "createdAt",
                "lastUsedAt");
        assertThat(list.text() + one.text()).doesNotContain(token).doesNotContain(TokenValues.hash(token));
        assertThat(jdbc.queryForObject("SELECT token_hash FROM api_token WHERE name = ?", String.class, name))
                .isEqualTo(TokenValues.hash(token));

        assertThat(api.send("DELETE", "/api/v1/tokens/" + name, null).status()).isEqualTo(204);
        assertThat(editor.get("/api/v1/platforms").status()).isEqualTo(401);
        assertThat(api.get("/api/v1/tokens/" + name).status()).isEqualTo(404);
        assertThat(api.send("DELETE", "/api/v1/tokens/" + name, null).status()).isEqualTo(404);
    }

    @Test
    void invalidTokenRequestsNameEachBadField() {
        Api.Response bad = api.post("/api/v1/tokens", json(Map.of("name", "Bad Name", "role", "root")));
        assertThat(bad.status()).isEqualTo(400);
        assertThat(bad.errorFields()).containsExactly("name", "role");
        assertThat(api.post("/api/v1/tokens", "{}").errorFields()).containsExactly("name", "role");
        assertThat(api.post("/api/v1/tokens", json(Map.of("name", "x", "role", "viewer", "token", "mine"))).status())
                .isEqualTo(400);
        assertThat(api.post("/api/v1/tokens", json(Map.of("name", AdminTokenBootstrap.NAME, "role", "admin")))
                .errorFields()).containsExactly("name");
        String name = unique("twice");
        assertThat(api.post("/api/v1/tokens", json(Map.of("name", name, "role", "viewer"))).status()).isEqualTo(201);
        assertThat(api.post("/api/v1/tokens", json(Map.of("name", name, "role", "viewer"))).status()).isEqualTo(409);
    }

    @Test
    void theConfiguredAdminTokenIsTheListedBootstrapToken() {
        Api.Response bootstrap = api.get("/api/v1/tokens/" + AdminTokenBootstrap.NAME);
        assertThat(bootstrap.status()).isEqualTo(200);
        assertThat(bootstrap.body().path("role").asString()).isEqualTo("admin");
    }

    @Test
    void tokenValuesNeverReachTheLogEvenAtDebugLevel(CapturedOutput output) {
        LoggingSystem logging = LoggingSystem.get(getClass().getClassLoader());
        logging.setLogLevel("org.springframework", LogLevel.TRACE);
        logging.setLogLevel("io.polysync", LogLevel.TRACE);
        logging.setLogLevel("org.apache.coyote.http11", LogLevel.DEBUG);
        String token;
        try {
            Api.Response created = api.post("/api/v1/tokens", json(Map.of("name", unique("logged"), "role", "viewer")));
            token = created.body().path("token").asString();
            assertThat(api.withToken(token).get("/api/v1/platforms").status()).isEqualTo(200);
            assertThat(api.withToken(token + "x").get("/api/v1/platforms").status()).isEqualTo(401);
            assertThat(api.withToken(token).get("/api/v1/tokens").status()).isEqualTo(403);
        } finally {
            logging.setLogLevel("org.springframework", null);
            logging.setLogLevel("io.polysync", null);
            logging.setLogLevel("org.apache.coyote.http11", null);
        }
        assertThat(output.getAll()).contains("/api/v1/platforms").doesNotContain(token).doesNotContain(ADMIN_TOKEN);
    }
}
