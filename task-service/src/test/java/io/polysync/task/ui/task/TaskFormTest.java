package io.polysync.task.ui.task;

import io.polysync.model.task.Backoff;
import io.polysync.model.task.MisfirePolicy;
import io.polysync.task.definition.TaskRequest;
import org.junit.jupiter.api.Test;
import org.springframework.util.LinkedMultiValueMap;
import org.springframework.util.MultiValueMap;

import java.math.BigDecimal;
import java.math.BigInteger;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

class TaskFormTest {

    private static final Map<String, String> TYPES = Map.of("count", "integer", "ratio", "number", "on", "boolean",
            "extra", "object", "token", "string", "label", "string");

    @Test
    void readsEveryTabIntoTheApiRequest() {
        MultiValueMap<String, String> body = new LinkedMultiValueMap<>();
        body.add("name", " nightly ");
        body.add("job", "export");
        body.add("param.mode.count", "literal");
        body.add("param.value.count", "12");
        body.add("param.mode.ratio", "literal");
        body.add("param.value.ratio", "0.5");
        body.add("param.mode.on", "literal");
        body.add("param.value.on", "true");
        body.add("param.mode.extra", "literal");
        body.add("param.value.extra", "{\"a\": [1]}");
        body.add("param.mode.token", "vault");
        body.add("param.value.token", "ignored in vault mode");
        body.add("param.vault.token", "prod");
        body.add("param.secret.token", "api-key");
        body.add("param.mode.label", "literal");
        body.add("param.value.label", "");
        body.add("dependencies[1].task", "second");
        body.add("dependencies[0].task", "first");
        body.add("dependencies[0].mappings[0].output", "rows");
        body.add("dependencies[0].mappings[0].input", "count");
        body.add("schedules[0].cron", "0 9 * * *");
        body.add("schedules[0].timeZone", "Europe/Berlin");
        body.add("schedules[1].cron", "@daily");
        body.add("schedules[1].timeZone", "");
        body.add("misfirePolicy", "CATCH_UP");
        body.add("catchUpLimit", "4");
        body.add("priority", "70");
        body.add("retry.enabled", "true");
        body.add("retry.maxRetryAttempts", "2");
        body.add("retry.backoff", "EXPONENTIAL");
        body.add("retry.initialDelaySeconds", "5");
        body.add("retry.maxDelaySeconds", "");
        body.add("executionTimeoutSeconds", "600");
        body.add("maxConcurrentRuns", "1");
        body.add("contentionProfiles", "warehouse");
        List<TaskForm.Problem> problems = new ArrayList<>();

        TaskRequest request = TaskForm.read(body).toRequest(TYPES, problems);

        assertThat(problems).isEmpty();
        assertThat(request.name()).isEqualTo("nightly");
        assertThat(request.parameters()).containsOnlyKeys("count", "ratio", "on", "extra", "token")
                .containsEntry("count", BigInteger.valueOf(12)).containsEntry("ratio", new BigDecimal("0.5"))
                .containsEntry("on", true).containsEntry("extra", Map.of("a", List.of(1)))
                .containsEntry("token", "vault://prod/api-key");
        assertThat(request.dependencies()).containsExactly(
                new TaskRequest.Dependency("first", List.of(new TaskRequest.Mapping("rows", "count"))),
                new TaskRequest.Dependency("second", List.of()));
        assertThat(request.schedules()).containsExactly(new TaskRequest.Schedule("0 9 * * *", "Europe/Berlin"),
                new TaskRequest.Schedule("@daily", null));
        assertThat(request.misfirePolicy()).isEqualTo(MisfirePolicy.CATCH_UP);
        assertThat(request.catchUpLimit()).isEqualTo(4);
        assertThat(request.priority()).isEqualTo(70);
        assertThat(request.retry()).isEqualTo(new TaskRequest.Retry(true, 2, Backoff.EXPONENTIAL, 5L, null, false));
        assertThat(request.executionTimeoutSeconds()).isEqualTo(600L);
        assertThat(request.maxConcurrentRuns()).isEqualTo(1);
        assertThat(request.contentionProfiles()).containsExactly("warehouse");
    }

    @Test
    void aLiteralOfTheWrongTypeIsSentAsTypedForTheSchemaToName() {
        MultiValueMap<String, String> body = new LinkedMultiValueMap<>();
        body.add("param.mode.count", "literal");
        body.add("param.value.count", "1.5");
        body.add("param.mode.extra", "literal");
        body.add("param.value.extra", "{not json");

        TaskRequest request = TaskForm.read(body).toRequest(TYPES, new ArrayList<>());

        assertThat(request.parameters()).containsEntry("count", "1.5").containsEntry("extra", "{not json");
    }

    @Test
    void aNumberFieldThatIsNotANumberIsAProblemNamingTheField() {
        MultiValueMap<String, String> body = new LinkedMultiValueMap<>();
        body.add("priority", "high");
        body.add("retry.maxRetryAttempts", "3x");
        List<TaskForm.Problem> problems = new ArrayList<>();

        TaskForm.read(body).toRequest(TYPES, problems);

        assertThat(problems).extracting(TaskForm.Problem::field)
                .containsExactlyInAnyOrder("priority", "retry.maxRetryAttempts");
    }

    @Test
    void errorsAreCountedOnTheirTabAndFoundInsideAParameter() {
        EditorErrors errors = new EditorErrors();
        errors.add("parameters.extra.a", "must be a string");
        errors.add("schedules[0].cron", "bad");
        errors.add("retry.maxRetryAttempts", "must be 0 or more");

        assertThat(errors.countOn("settings")).isEqualTo(1);
        assertThat(errors.countOn("scheduling")).isEqualTo(1);
        assertThat(errors.countOn("runtime")).isEqualTo(1);
        assertThat(errors.countOn("general")).isZero();
        assertThat(errors.firstTab("general")).isEqualTo("settings");
        assertThat(errors.under("parameters.extra")).isEqualTo("parameters.extra.a: must be a string");
        assertThat(errors.under("parameters.ext")).isNull();
    }
}
