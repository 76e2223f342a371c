package io.polysync.model.param;

import io.polysync.model.jobtype.JobTypeCatalog;
import org.junit.jupiter.api.Test;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

class ParameterValidationTest {

    private final ParameterValidation validation = new ParameterValidation();
    private final Map<String, Object> http = JobTypeCatalog.builtIn().find(JobTypeCatalog.HTTP_REQUEST).orElseThrow()
            .parameterSchema();
    private final Map<String, Object> shell = JobTypeCatalog.builtIn().find(JobTypeCatalog.SHELL_COMMAND).orElseThrow()
            .parameterSchema();

    @Test
    void acceptsParametersThatSatisfyTheSchema() {
        assertThat(validation.validate(http, Map.of("path", "/health", "method", "POST", "timeoutSeconds", 5)))
                .isEmpty();
    }

    @Test
    void namesAMissingRequiredParameter() {
        List<ParameterProblem> problems = validation.validate(http, Map.of("method", "GET"));

        assertThat(problems).extracting(ParameterProblem::field).containsExactly("path");
        assertThat(problems.get(0).message()).contains("path");
    }

    @Test
    void namesEveryParameterOfTheWrongTypeOrOutOfRange() {
        List<ParameterProblem> problems = validation.validate(http,
                Map.of("path", 42, "method", "FETCH", "timeoutSeconds", 0));

        assertThat(problems).extracting(ParameterProblem::field)
                .containsExactlyInAnyOrder("path", "method", "timeoutSeconds");
        assertThat(problems).allSatisfy(p -> assertThat(p.message()).isNotBlank().doesNotStartWith("/"));
    }

    @Test
    void namesNestedParametersByTheirPath() {
        List<ParameterProblem> problems = validation.validate(shell,
                Map.of("command", List.of("echo", 3), "env", Map.of("HOME", false)));

        assertThat(problems).extracting(ParameterProblem::field).containsExactlyInAnyOrder("command[1]", "env.HOME");
    }

    @Test
    void namesAParameterTheSchemaDoesNotAllow() {
        Map<String, Object> closed = Map.of("type", "object", "properties", Map.of("a", Map.of("type", "string")),
                "additionalProperties", false);

        assertThat(validation.validate(closed, Map.of("a", "x", "b", 1))).extracting(ParameterProblem::field)
                .containsExactly("b");
    }

    @Test
    void aVaultReferenceSatisfiesAStringConstraintButNotAnotherType() {
        Map<String, Object> schema = Map.of("type", "object", "properties", Map.of(
                "token", Map.of("type", "string", "pattern", "^[a-f0-9]{32}$", "maxLength", 32),
                "mode", Map.of("enum", List.of("a", "b")),
                "port", Map.of("type", "integer")));

        assertThat(validation.validate(schema, Map.of("token", "vault://builtin/api-token",
                "mode", "vault://builtin/mode"))).isEmpty();
        assertThat(validation.validate(schema, Map.of("port", "vault://builtin/port")))
                .extracting(ParameterProblem::field).containsExactly("port");
        assertThat(validation.validate(schema, Map.of("token", "not-hex"))).extracting(ParameterProblem::field)
                .containsExactly("token");
    }

    @Test
    void anEmptySchemaAcceptsAnything() {
        assertThat(validation.validate(Map.of(), Map.of("anything", List.of(1, "two")))).isEmpty();
        assertThat(validation.validate(null, null)).isEmpty();
    }

    @Test
    void aSchemaThatCannotBeCompiledIsOneProblemOfTheWholeParameterSet() {
        Map<String, Object> broken = Map.of("type", "object", "properties", Map.of("a",
                Map.of("$ref", "https://example.invalid/schemas/a.json")));

        List<ParameterProblem> problems = validation.validate(broken, Map.of("a", 1));

        assertThat(problems).hasSize(1);
        assertThat(problems.get(0).field()).isEmpty();
    }

    @Test
    void reusesCompiledSchemasAndStaysCorrectWhenTheCacheOverflows() {
        ParameterValidation small = new ParameterValidation(1);
        for (int i = 0; i < 3; i++) {
            assertThat(small.validate(http, Map.of())).extracting(ParameterProblem::field).containsExactly("path");
            assertThat(small.validate(shell, Map.of())).extracting(ParameterProblem::field).containsExactly("command");
        }
    }

    @Test
    void aSchemaChangedInPlaceAfterUseIsJudgedAsItIsNow() {
        Map<String, Object> schema = new LinkedHashMap<>(Map.of("type", "object",
                "properties", Map.of("limit", Map.of("type", "integer"))));
        assertThat(validation.validate(schema, Map.of())).isEmpty();

        schema.put("required", List.of("limit"));

        assertThat(validation.validate(schema, Map.of())).extracting(ParameterProblem::field).containsExactly("limit");
        schema.remove("required");
        assertThat(validation.validate(schema, Map.of())).isEmpty();
        assertThat(validation.validate(Map.of("type", "object", "properties", Map.of("limit", Map.of("type",
                "integer"))), Map.of("limit", "ten"))).extracting(ParameterProblem::field).containsExactly("limit");
    }

    @Test
    void describesProblemsInOneLine() {
        assertThat(ParameterValidation.describe(List.of(new ParameterProblem("path", "is required"),
                new ParameterProblem("", "schema broken")))).isEqualTo("path: is required; schema broken");
    }
}
