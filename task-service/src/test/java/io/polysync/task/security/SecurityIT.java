package io.polysync.task.security;

import io.polysync.task.config.TaskServiceProperties;
import io.polysync.task.support.Api;
import io.polysync.task.support.IntegrationTest;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.beans.factory.annotation.Qualifier;
import org.springframework.web.bind.annotation.RequestMethod;
import org.springframework.web.servlet.mvc.method.RequestMappingInfo;
import org.springframework.web.servlet.mvc.method.annotation.RequestMappingHandlerMapping;

import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.SoftAssertions.assertSoftly;

/**
 * Every route of the API, found in the MVC mapping (so routes added later are covered without touching this test),
 * against the role table of issue 3: 401 without or with a wrong token, 403 with the next smaller role, admitted
 * with the role the table names. The table is written here independently of {@link SecurityConfiguration}.
 */
class SecurityIT extends IntegrationTest {

    private static final Map<Role, String> TOKENS = new EnumMap<>(Role.class);

    @Autowired
    @Qualifier("requestMappingHandlerMapping")
    private RequestMappingHandlerMapping mapping;

    @Autowired
    private TaskServiceProperties properties;

    record Route(String method, String path) {
        @Override
        public String toString() {
            return method + " " + path;
        }
    }

    @BeforeEach
    void tokensForEveryRole() {
        synchronized (TOKENS) {
            for (Role role : Role.values()) {
                TOKENS.computeIfAbsent(role, r -> {
                    Api.Response created = api.post("/api/v1/tokens",
                            json(Map.of("name", unique("security-" + r.id()), "role", r.id())));
                    assertThat(created.status()).as(created.text()).isEqualTo(201);
                    return created.body().path("token").asString();
                });
            }
        }
    }

    /** The smallest role issue 3's table allows for a route. */
    static Role required(String method, String path) {
        boolean read = method.equals("GET") || method.equals("HEAD");
        if (path.startsWith("/api/v1/tokens") || path.startsWith("/api/v1/users")) {
            return Role.ADMIN;
        }
        if (path.startsWith("/api/v1/vaults")) {
            return read && !path.contains("/secrets") ? Role.VIEWER : Role.ADMIN;
        }
        if (method.equals("POST") && (path.matches("/api/v1/tasks/[^/]+/runs") || path.matches("/api/v1/runs/[^/]+/cancel"))) {
            return Role.OPERATOR;
        }
        return read ? Role.VIEWER : Role.EDITOR;
    }

    private List<Route> routes() {
        Set<String> seen = new TreeSet<>();
        for (RequestMappingInfo info : mapping.getHandlerMethods().keySet()) {
            Set<RequestMethod> methods = info.getMethodsCondition().getMethods();
            for (String pattern : info.getPathPatternsCondition().getPatternValues()) {
                if (!pattern.startsWith("/api/")) {
                    continue;
                }
                String path = pattern.replaceAll("\\{[^}]+}", "no-such-thing");
                (methods.isEmpty() ? Set.of(RequestMethod.GET, RequestMethod.POST) : methods)
                        .forEach(m -> seen.add(m.name() + " " + path));
            }
        }
        List<Route> routes = new ArrayList<>();
        seen.forEach(r -> routes.add(new Route(r.substring(0, r.indexOf(' ')), r.substring(r.indexOf(' ') + 1))));
        return routes;
    }

    private Api.Response call(Api client, Route route) {
        boolean body = route.method().equals("POST") || route.method().equals("PUT") || route.method().equals("PATCH");
        return client.send(route.method(), route.path(), body ? "{}" : null);
    }

    @Test
    void everyRouteRefusesMissingWrongAndTooSmallCredentialsAndAdmitsTheRequiredRole() {
        List<Route> routes = routes();
        assertThat(routes).extracting(Route::toString).contains("GET /api/v1/tokens", "POST /api/v1/tokens",
                "DELETE /api/v1/users/no-such-thing", "GET /api/v1/job-types", "POST /api/v1/tasks/no-such-thing/runs");
        assertSoftly(soft -> {
            for (Route route : routes) {
                Role role = required(route.method(), route.path());
                Api.Response none = call(api.anonymous(), route);
                soft.assertThat(none.status()).as("%s without credentials", route).isEqualTo(401);
                soft.assertThat(none.contentType()).as("%s", route).startsWith("application/problem+json");
                soft.assertThat(none.body().path("detail").asString()).as("%s", route).isNotEmpty();
                soft.assertThat(call(api.withToken("psy_wrongwrongwrongwrongwrongwrongwrongwrongwro"), route).status())
                        .as("%s with a wrong token", route).isEqualTo(401);
                soft.assertThat(call(api.withAuthorization("Basic bm9ib2R5Om5vdGhpbmc="), route).status())
                        .as("%s with a wrong password", route).isEqualTo(401);
                if (role != Role.VIEWER) {
                    Api.Response weak = call(api.withToken(TOKENS.get(Role.values()[role.ordinal() - 1])), route);
                    soft.assertThat(weak.status()).as("%s with a role below %s", route, role.id()).isEqualTo(403);
                    soft.assertThat(weak.contentType()).as("%s", route).startsWith("application/problem+json");
                }
                Api.Response admitted = call(api.withToken(TOKENS.get(role)), route);
                soft.assertThat(admitted.status()).as("%s with role %s: %s", route, role.id(), admitted.text())
                        .isNotIn(401, 403);
            }
        });
    }

    @Test
    void healthIsPublicPrometheusNeedsAViewerAndOtherActuatorEndpointsAnAdmin() {
        assertThat(api.anonymous().get("/actuator/health").status()).isEqualTo(200);
        assertThat(api.anonymous().get("/actuator/prometheus").status()).isEqualTo(401);
        assertThat(api.withToken(TOKENS.get(Role.VIEWER)).get("/actuator/prometheus").status()).isNotIn(401, 403);
        for (String path : List.of("/actuator", "/actuator/info", "/actuator/env", "/actuator/beans")) {
            assertThat(api.anonymous().get(path).status()).as(path).isEqualTo(401);
            assertThat(api.withToken(TOKENS.get(Role.EDITOR)).get(path).status()).as(path).isEqualTo(403);
            assertThat(api.get(path).status()).as(path).isNotIn(401, 403);
        }
    }

    @Test
    void pathTricksNeverReachARouteWithoutTheRequiredRole() {
        String viewer = TOKENS.get(Role.VIEWER);
        List<String> admin = List.of("/api/v1/tokens/", "/api/v1/tokens.json", "/API/V1/TOKENS", "/api/v1/Tokens",
                "/api/v1/users/", "/api/v1/users.json", "/api/v1/vaults/v/SECRETS/s", "/api/v1/vaults/v/secrets.json");
        for (String path : admin) {
            assertThat(api.anonymous().get(path).status()).as(path).isEqualTo(401);
            assertThat(api.withToken(viewer).get(path).status()).as(path).isEqualTo(403);
        }
        List<String> malformed = List.of("//api/v1/tokens", "/api/v1//tokens", "/api/v1/tokens%2F", "/api/v1%2Ftokens",
                "/api/v1%2ftokens", "/api/v1/platforms/../tokens", "/api/v1/./tokens", "/api/v1/tokens;a=b",
                "/api/v1/%2e%2e/v1/tokens", "/api/v1/tokens%252F", "/api/v1/tokens%5C");
        assertSoftly(soft -> {
            for (String path : malformed) {
                Api.Response anonymous = api.anonymous().get(path);
                soft.assertThat(anonymous.status()).as("%s %s", path, anonymous.text()).isEqualTo(401);
                soft.assertThat(anonymous.contentType()).as(path).startsWith("application/problem+json");
                Api.Response weak = api.withToken(viewer).get(path);
                soft.assertThat(weak.status()).as("%s %s", path, weak.text()).isIn(400, 403);
            }
        });
        // Tomcat itself refuses a NUL before any application code runs.
        assertThat(api.anonymous().get("/api/v1/tokens%00").status()).isIn(400, 401);
        assertThat(api.withToken(TOKENS.get(Role.OPERATOR)).send("POST", "/api/v1/tasks/x/runs/", null).status())
                .isEqualTo(403);
        assertThat(api.withToken(viewer).send("DELETE", "/api/v1/platforms/x", null).status()).isEqualTo(403);
        assertThat(api.withToken(viewer).send("OPTIONS", "/api/v1/tokens", null).status()).isEqualTo(403);
    }

    @Test
    void theOpenApiDocumentAndSwaggerUiNeedAViewer() {
        for (String path : List.of("/api/v1/openapi", "/api/v1/swagger-ui.html", "/api/v1/swagger-ui/index.html")) {
            assertThat(api.anonymous().get(path).status()).as(path).isEqualTo(401);
            assertThat(api.withToken(TOKENS.get(Role.VIEWER)).get(path).status()).as(path).isIn(200, 302);
        }
    }

    @Test
    void everyPathOutsideTheApiBelongsToTheWebUiWhichNoTokenOpens() {
        for (String path : List.of("/", "/error", "/something-else", "/v3/api-docs", "/users", "/actuatorx")) {
            for (Api client : List.of(api.anonymous(), api.withToken(TOKENS.get(Role.ADMIN)),
                    api.withBasic("nobody", "nothing-at-all"))) {
                Api.Response response = client.get(path);
                assertThat(response.status()).as(path).isEqualTo(302);
                assertThat(response.location()).as(path).endsWith("/login");
            }
        }
        Api.Response post = api.withToken(TOKENS.get(Role.ADMIN)).post("/tokens", "{}");
        assertThat(post.status()).as("an unsafe UI request without a session's CSRF token").isEqualTo(403);
    }

    @Test
    void theInternalEndpointRefusesApiTokensAndTheInternalTokenOpensNothingElse() {
        String path = "/internal/v1/vaults/v/secrets/s";
        assertThat(api.get(path).status()).as("admin API token on the internal endpoint").isIn(401, 404);
        assertThat(api.withBasic("nobody", "nothing-at-all").get(path).status()).isIn(401, 404);
        String internal = properties.vault().internalToken();
        String presented = internal == null || internal.isBlank() ? "some-internal-token" : internal;
        assertThat(api.withToken(presented).get("/api/v1/platforms").status()).isEqualTo(401);
        assertThat(api.withToken(presented).get("/api/v1/job-types").status()).isEqualTo(401);
    }

    @Test
    void anInvalidTokenIsRefusedEvenWhereNoneIsNeeded() {
        Api.Response response = api.withToken("not-a-token").get("/actuator/health");
        assertThat(response.status()).isEqualTo(401);
        assertThat(response.body().path("detail").asString()).isEqualTo("the bearer token is not valid");
        assertThat(api.withAuthorization("Bearer").get("/api/v1/platforms").status()).isEqualTo(401);
        assertThat(api.withAuthorization("Bearer ").get("/api/v1/platforms").status()).isEqualTo(401);
    }

    @Test
    void theBearerSchemeIsCaseInsensitive() {
        assertThat(api.withAuthorization("bearer " + ADMIN_TOKEN).get("/api/v1/platforms").status()).isEqualTo(200);
        Api.Response refused = api.anonymous().get("/api/v1/platforms");
        assertThat(refused.status()).isEqualTo(401);
        assertThat(refused.body().path("title").asString()).isEqualTo("Unauthorized");
    }
}
