package io.polysync.task.ui.run;

import io.polysync.model.task.DependencySnapshot;
import io.polysync.model.task.JobSnapshot;
import io.polysync.model.task.OutputMapping;
import io.polysync.model.task.TaskSnapshot;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;
import java.util.UUID;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.tuple;

class RunParametersTest {

    @Test
    void masksARunsOwnValuesByNameAndByTheSchemasWriteOnlyAndKeepsVaultReferences() {
        Map<String, Object> properties = Map.of("pin", Map.of("type", "string", "writeOnly", true));

        List<ParameterRow> rows = RunParameters.rows(Map.of("pin", "1234", "password", "hunter2",
                "apiKey", "vault://prod/api-key", "headers", Map.of("X-Token", "t0ken", "Accept", "json"),
                "path", "/override"), properties);

        assertThat(rows).extracting(ParameterRow::name).containsExactly("apiKey", "headers", "password", "path", "pin");
        assertThat(rows).extracting(ParameterRow::value).noneMatch(v -> v.contains("hunter2") || v.contains("1234")
                || v.contains("t0ken"));
        assertThat(rows).extracting(ParameterRow::name, ParameterRow::kind).contains(
                tuple("apiKey", ParameterRow.Kind.VAULT_REFERENCE), tuple("password", ParameterRow.Kind.MASKED),
                tuple("pin", ParameterRow.Kind.MASKED), tuple("path", ParameterRow.Kind.LITERAL));
        assertThat(rows).filteredOn(r -> r.name().equals("path")).singleElement()
                .satisfies(r -> assertThat(r.value()).isEqualTo("/override"))
                .satisfies(r -> assertThat(r.source()).isNull());
    }

    @Test
    void showsVaultReferencesAsReferencesAndNeverASecretLookingLiteral() {
        JobSnapshot job = new JobSnapshot(UUID.randomUUID(), "job", "http.request",
                Map.of("properties", Map.of("pin", Map.of("type", "string", "writeOnly", true))),
                Map.of("timeoutSeconds", 30, "url", "https://example.org"), List.of(), null);
        TaskSnapshot task = new TaskSnapshot(UUID.randomUUID(), "task", 3, job,
                Map.of("apiKey", "vault://prod/api-key", "password", "hunter2", "pin", "1234",
                        "headers", Map.of("Authorization", "Bearer abc", "X-Token", "t0ken", "Accept", "json"),
                        "url", "https://example.com"),
                List.of(new DependencySnapshot(UUID.randomUUID(), "extract",
                        List.of(new OutputMapping("file", "input")))),
                null, null, null, 50, null, null, null, null, null);

        List<ParameterRow> rows = RunParameters.rows(task);

        assertThat(rows).extracting(ParameterRow::value).noneMatch(v -> v.contains("hunter2") || v.contains("1234")
                || v.contains("t0ken"));
        assertThat(rows).filteredOn(r -> r.name().equals("apiKey")).singleElement()
                .satisfies(r -> {
                    assertThat(r.kind()).isEqualTo(ParameterRow.Kind.VAULT_REFERENCE);
                    assertThat(r.value()).isEqualTo("vault://prod/api-key");
                });
        assertThat(rows).filteredOn(r -> r.name().equals("password")).singleElement()
                .extracting(ParameterRow::kind).isEqualTo(ParameterRow.Kind.MASKED);
        assertThat(rows).filteredOn(r -> r.name().equals("pin")).singleElement()
                .extracting(ParameterRow::kind).isEqualTo(ParameterRow.Kind.MASKED);
        assertThat(rows).filteredOn(r -> r.name().equals("url")).singleElement()
                .satisfies(r -> assertThat(r.value()).isEqualTo("https://example.com"))
                .satisfies(r -> assertThat(r.source()).isEqualTo("task"));
        assertThat(rows).filteredOn(r -> r.name().equals("timeoutSeconds")).singleElement()
                .satisfies(r -> assertThat(r.source()).isEqualTo("job default"));
        assertThat(rows).filteredOn(r -> r.name().equals("input")).singleElement()
                .satisfies(r -> assertThat(r.kind()).isEqualTo(ParameterRow.Kind.MAPPED))
                .satisfies(r -> assertThat(r.value()).isEqualTo("output file of extract"));
        assertThat(rows).filteredOn(r -> r.name().equals("headers")).singleElement()
                .satisfies(r -> assertThat(r.value()).contains("\"Accept\":\"json\"").contains(RunParameters.MASK));
    }
}
