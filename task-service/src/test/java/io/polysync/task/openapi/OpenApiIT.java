package io.polysync.task.openapi;

import io.polysync.task.support.Api;
import io.polysync.task.support.IntegrationTest;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

class OpenApiIT extends IntegrationTest {

    @Test
    void servesTheOpenApiDocumentWithProblemResponsesAndTheSwaggerUi() {
        Api.Response doc = api.get("/api/v1/openapi");

        assertThat(doc.status()).as(doc.text()).isEqualTo(200);
        assertThat(doc.body().path("openapi").asString()).startsWith("3.");
        assertThat(doc.body().path("paths").has("/api/v1/tasks/{name}")).isTrue();
        assertThat(doc.body().path("paths").has("/api/v1/contention-profiles")).isTrue();
        assertThat(doc.body().path("paths").has("/api/v1/schedule-preview")).isTrue();
        assertThat(doc.body().path("paths").path("/api/v1/tasks/{name}").path("put").path("requestBody")
                .path("content").has("application/json"))
                .as(doc.body().path("paths").path("/api/v1/tasks/{name}").toString()).isTrue();
        assertThat(doc.body().path("paths").path("/api/v1/tasks/{name}").path("delete").path("responses")
                .path("409").path("content").has("application/problem+json")).isTrue();
        assertThat(doc.body().path("components").path("schemas").path("Problem").path("properties")
                .has("errors")).as(doc.body().path("components").path("schemas").path("Problem").toString()).isTrue();

        Api.Response ui = api.get("/api/v1/swagger-ui/index.html");
        assertThat(ui.status()).isEqualTo(200);
        assertThat(ui.text()).contains("Swagger UI");
    }
}
