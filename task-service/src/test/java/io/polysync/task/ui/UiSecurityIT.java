package io.polysync.task.ui;

import io.polysync.task.support.Api;
import io.polysync.task.support.IntegrationTest;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.net.CookieManager;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The web UI's filter chain over plain HTTP, as a browser without JavaScript meets it: sign-in through the form, the
 * session cookie, CSRF on every unsafe request, roles per page family, and htmx requests without a session.
 */
class UiSecurityIT extends IntegrationTest {

    private static final String PASSWORD = "ui security password";
    private static final Pattern CSRF_INPUT = Pattern.compile("name=\"_csrf\" value=\"([^\"]+)\"");
    private static final Pattern CSRF_META = Pattern.compile("<meta name=\"_csrf\" content=\"([^\"]+)\"");

    /** A browser: its own cookie jar, never following redirects so each one can be checked. */
    private final class Session {
        private final HttpClient http = HttpClient.newBuilder().cookieHandler(new CookieManager())
                .followRedirects(HttpClient.Redirect.NEVER).build();

        HttpResponse<String> get(String path, String... headers) {
            HttpRequest.Builder request = HttpRequest.newBuilder(uri(path)).GET();
            if (headers.length > 0) {
                request.headers(headers);
            }
            return send(request);
        }

        HttpResponse<String> postForm(String path, Map<String, String> form) {
            String body = form.entrySet().stream()
                    .map(e -> e.getKey() + "=" + URLEncoder.encode(e.getValue(), StandardCharsets.UTF_8))
                    .collect(Collectors.joining("&"));
            return send(HttpRequest.newBuilder(uri(path)).header("Content-Type", "application/x-www-form-urlencoded")
                    .POST(HttpRequest.BodyPublishers.ofString(body)));
        }

        /** Signs in through the login form, with the CSRF token the form carries. */
        HttpResponse<String> signIn(String username, String password) {
            String csrf = token(CSRF_INPUT, get("/login").body());
            return postForm("/login", Map.of("username", username, "password", password, "_csrf", csrf));
        }

        private URI uri(String path) {
            return URI.create("http://127.0.0.1:" + port() + path);
        }

        private HttpResponse<String> send(HttpRequest.Builder request) {
            try {
                return http.send(request.build(), HttpResponse.BodyHandlers.ofString());
            } catch (IOException e) {
                throw new IllegalStateException(e);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException(e);
            }
        }
    }

    private static String token(Pattern pattern, String html) {
        Matcher matcher = pattern.matcher(html);
        assertThat(matcher.find()).as("a CSRF token in the page").isTrue();
        return matcher.group(1);
    }

    private String user(String role) {
        String name = unique("ui-" + role);
        Api.Response created = api.post("/api/v1/users",
                json(Map.of("username", name, "password", PASSWORD, "role", role)));
        assertThat(created.status()).as(created.text()).isEqualTo(201);
        return name;
    }

    @Test
    void pagesSendVisitorsWithoutASessionToTheLoginPage() {
        Session browser = new Session();
        HttpResponse<String> page = browser.get("/profiles");
        assertThat(page.statusCode()).isEqualTo(302);
        assertThat(page.headers().firstValue("Location")).get().asString().endsWith("/login");

        HttpResponse<String> login = browser.get("/login");
        assertThat(login.statusCode()).isEqualTo(200);
        assertThat(login.body()).contains("name=\"username\"").contains("name=\"password\"");
        assertThat(browser.get("/webjars/htmx.org/dist/htmx.min.js").statusCode()).isEqualTo(200);
        assertThat(browser.get("/css/polysync.css").statusCode()).isEqualTo(200);

        HttpResponse<String> htmx = browser.get("/profiles", "HX-Request", "true");
        assertThat(htmx.statusCode()).isEqualTo(401);
        assertThat(htmx.headers().firstValue("HX-Redirect")).contains("/login");
    }

    @Test
    void aWrongPasswordReturnsToTheLoginPageWithAnError() {
        Session browser = new Session();
        HttpResponse<String> refused = browser.signIn(user("viewer"), "not the password at all");
        assertThat(refused.statusCode()).isEqualTo(302);
        assertThat(refused.headers().firstValue("Location")).get().asString().endsWith("/login?error");
        assertThat(browser.get("/profiles").statusCode()).isEqualTo(302);
        assertThat(browser.get("/login?error").body()).contains("Wrong username or password");
    }

    @Test
    void unsafeRequestsNeedTheSessionsCsrfToken() {
        Session browser = new Session();
        assertThat(browser.signIn(user("editor"), PASSWORD).statusCode()).isEqualTo(302);
        HttpResponse<String> form = browser.get("/profiles/new");
        assertThat(form.statusCode()).isEqualTo(200);
        String name = unique("csrf-profile");

        HttpResponse<String> withoutToken = browser.postForm("/profiles", Map.of("name", name, "maxConcurrent", "1"));
        assertThat(withoutToken.statusCode()).isEqualTo(403);
        HttpResponse<String> wrongToken = browser.postForm("/profiles",
                Map.of("name", name, "maxConcurrent", "1", "_csrf", "forged"));
        assertThat(wrongToken.statusCode()).isEqualTo(403);
        assertThat(api.get("/api/v1/contention-profiles/" + name).status()).isEqualTo(404);

        HttpResponse<String> withToken = browser.postForm("/profiles",
                Map.of("name", name, "maxConcurrent", "1", "_csrf", token(CSRF_INPUT, form.body())));
        assertThat(withToken.statusCode()).isEqualTo(302);
        assertThat(api.get("/api/v1/contention-profiles/" + name).status()).isEqualTo(200);

        // the token of the meta tags, which polysync.js sends as a header on htmx requests, opens the same door
        String meta = token(CSRF_META, form.body());
        HttpResponse<String> headerToken = browser.send(HttpRequest.newBuilder(browser.uri("/profiles/" + name + "/delete"))
                .header("X-CSRF-TOKEN", meta).POST(HttpRequest.BodyPublishers.noBody()));
        assertThat(headerToken.statusCode()).isEqualTo(302);
        assertThat(api.get("/api/v1/contention-profiles/" + name).status()).isEqualTo(404);

        HttpResponse<String> signOut = browser.postForm("/logout", Map.of("_csrf", meta));
        assertThat(signOut.statusCode()).isEqualTo(302);
        assertThat(browser.get("/profiles").statusCode()).isEqualTo(302);
    }

    @Test
    void eachRoleReachesOnlyItsPages() {
        Session viewer = new Session();
        viewer.signIn(user("viewer"), PASSWORD);
        HttpResponse<String> profiles = viewer.get("/profiles", "Accept", "text/html");
        assertThat(profiles.statusCode()).isEqualTo(200);
        assertThat(profiles.body()).contains("Contention profiles").doesNotContain("New profile")
                .doesNotContain("href=\"/users\"");
        for (String path : new String[] {"/users", "/tokens", "/profiles/new", "/vaults/new"}) {
            assertThat(viewer.get(path, "Accept", "text/html").statusCode()).as(path).isEqualTo(403);
        }
        String csrf = token(CSRF_META, profiles.body());
        assertThat(viewer.postForm("/profiles", Map.of("name", unique("p"), "maxConcurrent", "1", "_csrf", csrf))
                .statusCode()).isEqualTo(403);

        Session editor = new Session();
        editor.signIn(user("editor"), PASSWORD);
        assertThat(editor.get("/profiles/new", "Accept", "text/html").statusCode()).isEqualTo(200);
        assertThat(editor.get("/users", "Accept", "text/html").statusCode()).isEqualTo(403);

        Session admin = new Session();
        admin.signIn(user("admin"), PASSWORD);
        HttpResponse<String> users = admin.get("/users", "Accept", "text/html");
        assertThat(users.statusCode()).isEqualTo(200);
        assertThat(users.body()).contains("href=\"/users\"").contains("href=\"/tokens\"");
    }

    @Test
    void theRootOpensTheTaskListAndTheApiTakesNoSessionCookie() {
        Session browser = new Session();
        browser.signIn(user("viewer"), PASSWORD);
        HttpResponse<String> root = browser.get("/");
        assertThat(root.statusCode()).isEqualTo(302);
        assertThat(root.headers().firstValue("Location")).get().asString().endsWith("/tasks");
        assertThat(browser.get("/api/v1/platforms").statusCode()).as("a UI session does not open the API")
                .isEqualTo(401);
    }
}
