package io.polysync.task.job;

import io.polysync.model.jobtype.JobTypeCatalog;
import io.polysync.task.validation.Errors;
import io.polysync.task.validation.FieldError;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

class SchemaNarrowingTest {

    private static final Map<String, Object> HTTP = JobTypeCatalog.builtIn().find("http.request").orElseThrow()
            .parameterSchema();

    private static List<String> fields(Map<String, Object> job) {
        Errors errors = new Errors();
        SchemaNarrowing.check("http.request", HTTP, job, errors);
        return errors.list().stream().map(FieldError::field).toList();
    }

    private static Map<String, Object> schema(Map<String, Object> properties, List<String> required) {
        return Map.of("type", "object", "properties", properties, "required", required);
    }

    @Test
    void acceptsTheJobTypesOwnSchema() {
        assertThat(fields(HTTP)).isEmpty();
    }

    @Test
    void acceptsFewerPropertiesWithStricterKeywords() {
        Map<String, Object> job = schema(Map.of(
                "method", Map.of("type", "string", "enum", List.of("GET", "POST")),
                "path", Map.of("type", "string", "pattern", "^/api/", "maxLength", 200),
                "timeoutSeconds", Map.of("type", "integer", "minimum", 5, "maximum", 60)), List.of("path", "method"));

        assertThat(fields(job)).isEmpty();
    }

    @Test
    void rejectsAPropertyTheJobTypeDoesNotHave() {
        assertThat(fields(schema(Map.of("path", Map.of("type", "string"), "verb", Map.of("type", "string")),
                List.of("path")))).containsExactly("parameterSchema.properties.verb");
    }

    @Test
    void rejectsWiderKeywordsNamingTheProperty() {
        Map<String, Object> job = schema(Map.of(
                "method", Map.of("type", "string", "enum", List.of("GET", "TRACE")),
                "path", Map.of("type", "integer"),
                "timeoutSeconds", Map.of("type", "integer", "minimum", 0, "maximum", 3600)), List.of("path"));

        assertThat(fields(job)).containsExactlyInAnyOrder("parameterSchema.properties.method",
                "parameterSchema.properties.path", "parameterSchema.properties.timeoutSeconds");
    }

    @Test
    void rejectsDroppingAKeywordOrARequiredParameter() {
        Map<String, Object> job = schema(Map.of("method", Map.of("type", "string"),
                "timeoutSeconds", Map.of("type", "integer")), List.of());

        assertThat(fields(job)).containsOnly("parameterSchema.properties.method",
                "parameterSchema.properties.timeoutSeconds", "parameterSchema.properties.path");
    }

    @Test
    void rejectsWhatItCannotProveNarrower() {
        Map<String, Object> job = schema(Map.of("path", Map.of("type", "string"),
                "body", Map.of("oneOf", List.of(Map.of("type", "string")))), List.of("path"));

        assertThat(fields(job)).containsExactly("parameterSchema.properties.body");
        assertThat(fields(Map.of("type", "object", "properties", Map.of("path", Map.of("type", "string")),
                "required", List.of("path"), "patternProperties", Map.of())))
                .containsExactly("parameterSchema.patternProperties");
    }

    @Test
    void checksNestedSchemas() {
        Map<String, Object> narrower = schema(Map.of("path", Map.of("type", "string"), "headers",
                Map.of("type", "object", "additionalProperties", Map.of("type", "string", "maxLength", 100))),
                List.of("path"));
        Map<String, Object> wider = schema(Map.of("path", Map.of("type", "string"), "headers",
                Map.of("type", "object", "additionalProperties", Map.of("type", "integer"))), List.of("path"));

        assertThat(fields(narrower)).isEmpty();
        assertThat(fields(wider)).containsExactly("parameterSchema.properties.headers");
    }
}
