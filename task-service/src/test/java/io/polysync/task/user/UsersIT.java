package io.polysync.task.user;

import io.polysync.task.support.Api;
import io.polysync.task.support.IntegrationTest;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;

import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The only test class that creates users. Its first test removes the {@code admin} user created at start-up (the
 * admin token remains an admin credential), so it sees an empty user table.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class UsersIT extends IntegrationTest {

    private static final String PASSWORD = "correct horse battery";

    @Test
    @Order(1)
    void theFirstUserIsAnAdminWhateverTheRequestSays() {
        assertThat(api.get("/api/v1/users/" + AdminUserBootstrap.USERNAME).body().path("role").asString())
                .isEqualTo("admin");
        assertThat(api.send("DELETE", "/api/v1/users/" + AdminUserBootstrap.USERNAME, null).status()).isEqualTo(204);
        Api.Response first = api.post("/api/v1/users",
                json(Map.of("username", "first-admin", "password", PASSWORD, "role", "viewer")));
        assertThat(first.status()).as(first.text()).isEqualTo(201);
        assertThat(first.body().path("role").asString()).isEqualTo("admin");
        assertThat(api.withBasic("first-admin", PASSWORD).get("/api/v1/users").status()).isEqualTo(200);
    }

    @Test
    @Order(2)
    void usersAuthenticateWithBasicAndGetTheirRole() {
        String name = unique("ops");
        Api.Response created = api.post("/api/v1/users",
                json(Map.of("username", name, "password", PASSWORD, "role", "operator")));
        assertThat(created.status()).as(created.text()).isEqualTo(201);
        assertThat(created.body().path("role").asString()).isEqualTo("operator");
        assertThat(created.text()).doesNotContain(PASSWORD).doesNotContain("bcrypt");

        Api operator = api.withBasic(name, PASSWORD);
        assertThat(operator.get("/api/v1/platforms").status()).isEqualTo(200);
        assertThat(operator.post("/api/v1/platforms", "{}").status()).isEqualTo(403);
        assertThat(api.withBasic(name, "wrong password!").get("/api/v1/platforms").status()).isEqualTo(401);
        assertThat(api.withBasic("nobody-" + name, PASSWORD).get("/api/v1/platforms").status()).isEqualTo(401);
        assertThat(jdbc.queryForObject("SELECT password_hash FROM app_user WHERE username = ?", String.class, name))
                .startsWith("{bcrypt}$2").doesNotContain(PASSWORD);
    }

    @Test
    @Order(3)
    void roleAndPasswordCanBeChangedAndUsersDeleted() {
        String name = unique("ed");
        api.post("/api/v1/users", json(Map.of("username", name, "password", PASSWORD, "role", "viewer")));
        Api.Response promoted = api.send("PUT", "/api/v1/users/" + name, json(Map.of("role", "editor")));
        assertThat(promoted.status()).as(promoted.text()).isEqualTo(200);
        assertThat(promoted.body().path("role").asString()).isEqualTo("editor");
        assertThat(api.withBasic(name, PASSWORD).post("/api/v1/platforms", "{}").status()).isEqualTo(400);

        String newPassword = "another long password";
        assertThat(api.send("PUT", "/api/v1/users/" + name, json(Map.of("password", newPassword))).status())
                .isEqualTo(200);
        assertThat(api.withBasic(name, PASSWORD).get("/api/v1/platforms").status()).isEqualTo(401);
        assertThat(api.withBasic(name, newPassword).get("/api/v1/platforms").status()).isEqualTo(200);

        Api.Response one = api.get("/api/v1/users/" + name);
        assertThat(one.body().propertyNames()).containsExactly("username", "role", "createdAt", "updatedAt");
        assertThat(api.get("/api/v1/users?username=" + name).body().path("totalElements").asLong()).isEqualTo(1);

        assertThat(api.send("DELETE", "/api/v1/users/" + name, null).status()).isEqualTo(204);
        assertThat(api.withBasic(name, newPassword).get("/api/v1/platforms").status()).isEqualTo(401);
        assertThat(api.get("/api/v1/users/" + name).status()).isEqualTo(404);
    }

    @Test
    @Order(4)
    void invalidUserRequestsNameEachBadField() {
        Api.Response bad = api.post("/api/v1/users",
                json(Map.of("username", "has space", "password", "short", "role", "root")));
        assertThat(bad.status()).isEqualTo(400);
        assertThat(bad.errorFields()).containsExactly("username", "password", "role");
        assertThat(api.post("/api/v1/users", json(Map.of("username", unique("u"), "password", "x".repeat(73),
                "role", "viewer"))).errorFields()).containsExactly("password");
        assertThat(api.send("PUT", "/api/v1/users/first-admin", "{}").errorFields()).containsExactly("role");
        assertThat(api.send("PUT", "/api/v1/users/first-admin", json(Map.of("username", "renamed"))).errorFields())
                .contains("username");
        assertThat(api.post("/api/v1/users", json(Map.of("username", "first-admin", "password", PASSWORD,
                "role", "viewer"))).status()).isEqualTo(409);
    }
}
