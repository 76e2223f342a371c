package io.polysync.worker.vault;

import io.polysync.model.Json;
import io.polysync.model.param.VaultReference;
import tools.jackson.core.JacksonException;

import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Map;

/**
 * Reads secrets of every kind of vault through the task-service's internal API,
 * {@code GET /internal/v1/vaults/{vault}/secrets/{name}} with the worker's internal token (DESIGN.md section 10 rule
 * 16). A 404 means the vault or secret does not exist; any other failure may pass, so it is reported as unavailable.
 */
public class TaskServiceSecretSource implements SecretSource {

    private final String baseUrl;
    private final String internalToken;
    private final Duration timeout;
    private final HttpClient client;

    public TaskServiceSecretSource(String taskServiceUrl, String internalToken, Duration timeout) {
        this.baseUrl = taskServiceUrl.endsWith("/") ? taskServiceUrl.substring(0, taskServiceUrl.length() - 1)
                : taskServiceUrl;
        this.internalToken = internalToken;
        this.timeout = timeout;
        this.client = HttpClient.newBuilder()
                .version(HttpClient.Version.HTTP_1_1)
                .followRedirects(HttpClient.Redirect.NEVER)
                .connectTimeout(timeout)
                .build();
    }

    @Override
    public String read(VaultReference reference) throws InterruptedException {
        if (internalToken == null || internalToken.isBlank()) {
            throw new VaultUnavailableException("cannot resolve " + reference
                    + ": polysync.worker.internal-token is not set on this worker");
        }
        URI uri = URI.create(baseUrl + "/internal/v1/vaults/" + segment(reference.vault()) + "/secrets/"
                + segment(reference.secret()));
        HttpRequest request = HttpRequest.newBuilder(uri)
                .timeout(timeout)
                .header("Authorization", "Bearer " + internalToken)
                .header("Accept", "application/json")
                .GET()
                .build();
        HttpResponse<String> response;
        try {
            response = client.send(request, HttpResponse.BodyHandlers.ofString(StandardCharsets.UTF_8));
        } catch (IOException e) {
            throw new VaultUnavailableException("cannot resolve " + reference + ": the task-service at " + baseUrl
                    + " is unreachable (" + e.getClass().getSimpleName() + ")");
        }
        int status = response.statusCode();
        if (status == 404) {
            throw new SecretNotFoundException(reference);
        }
        if (status != 200) {
            // the body is not quoted: whatever answered, it is not ours to repeat
            throw new VaultUnavailableException("cannot resolve " + reference + ": the task-service answered "
                    + status);
        }
        try {
            Object value = Json.decode(response.body(), Map.class).get("value");
            if (value instanceof String text) {
                return text;
            }
        } catch (JacksonException | IllegalArgumentException e) {
            // reported below without the body, which might hold the value
        }
        throw new VaultUnavailableException("cannot resolve " + reference
                + ": the task-service's answer has no string 'value'");
    }

    private static String segment(String text) {
        return URLEncoder.encode(text, StandardCharsets.UTF_8).replace("+", "%20");
    }
}
