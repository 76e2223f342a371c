package io.polysync.task.support;

import io.polysync.model.Json;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.MissingNode;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Optional;

/** A real HTTP client against the service's port. */
public final class Api {

    /** One answer: status, Content-Type, Location and the JSON body (a missing node when there is none). */
    public record Response(int status, String contentType, String location, String text, JsonNode body) {

        /** The fields named in a problem's {@code errors} array. */
        public List<String> errorFields() {
            List<String> fields = new ArrayList<>();
            body.path("errors").forEach(e -> fields.add(e.path("field").asString()));
            return fields;
        }
    }

    private final HttpClient client = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    private final String base;
    private final String authorization;

    /** A client that authenticates as admin with the token {@link IntegrationTest} configures. */
    public Api(int port) {
        this("http://127.0.0.1:" + port, "Bearer " + IntegrationTest.ADMIN_TOKEN);
    }

    private Api(String base, String authorization) {
        this.base = base;
        this.authorization = authorization;
    }

    /** The same service, sending {@code Authorization: Bearer <token>}. */
    public Api withToken(String token) {
        return new Api(base, "Bearer " + token);
    }

    /** The same service, as a user with HTTP Basic. */
    public Api withBasic(String username, String password) {
        return new Api(base, "Basic " + Base64.getEncoder().encodeToString(
                (username + ":" + password).getBytes(StandardCharsets.UTF_8)));
    }

    /** The same service, sending this {@code Authorization} header verbatim. */
    public Api withAuthorization(String header) {
        return new Api(base, header);
    }

    /** The same service, sending no credentials. */
    public Api anonymous() {
        return new Api(base, null);
    }

    /** Any method, with an optional JSON body. */
    public Response send(String method, String path, String json) {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(base + path));
        if (json == null) {
            request.method(method, HttpRequest.BodyPublishers.noBody());
        } else {
            request.header("Content-Type", "application/json").method(method, HttpRequest.BodyPublishers.ofString(json));
        }
        return send(request);
    }

    public Response get(String path) {
        return send(HttpRequest.newBuilder(URI.create(base + path)).GET());
    }

    public Response post(String path, String json) {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(base + path))
                .header("Content-Type", "application/json")
                .POST(json == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(json));
        return send(request);
    }

    public Response post(String path, String contentType, String body) {
        return send(HttpRequest.newBuilder(URI.create(base + path)).header("Content-Type", contentType)
                .POST(HttpRequest.BodyPublishers.ofString(body)));
    }

    /** POST without a Content-Type or body, as {@code curl -X POST} sends it. */
    public Response postEmpty(String path) {
        return send(HttpRequest.newBuilder(URI.create(base + path)).POST(HttpRequest.BodyPublishers.noBody()));
    }

    private Response send(HttpRequest.Builder request) {
        try {
            if (authorization != null) {
                request.header("Authorization", authorization);
            }
            HttpResponse<String> response = client.send(request.header("Accept", "application/json")
                    .timeout(Duration.ofSeconds(30)).build(), HttpResponse.BodyHandlers.ofString());
            String text = response.body();
            Optional<String> type = response.headers().firstValue("Content-Type");
            // Errors raised by the servlet container before the application (e.g. a rejected URI) are not JSON.
            JsonNode body = text == null || text.isBlank() || !type.orElse("").contains("json")
                    ? MissingNode.getInstance() : Json.tree(text);
            return new Response(response.statusCode(), type.orElse(""),
                    response.headers().firstValue("Location").orElse(null), text, body);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }
}
