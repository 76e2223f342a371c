package io.polysync.task.api;

import io.polysync.task.definition.TaskRequest;
import io.polysync.task.validation.FieldError;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.json.JsonMapper;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

/** Reads requests as the service does, with {@link StrictJsonInput}. */
class JacksonErrorsTest {

    private final JsonMapper mapper = StrictJsonInput.apply(JsonMapper.builder()).build();

    private FieldError readTask(String json) {
        Throwable failure = catchThrowable(() -> mapper.readValue(json, TaskRequest.class));
        assertThat(failure).as("expected %s to be unreadable", json).isNotNull();
        return JacksonErrors.describe(failure);
    }

    @Test
    void namesTheNestedFieldOfAWrongType() {
        assertThat(readTask("{\"name\":\"t\",\"retry\":{\"maxRetryAttempts\":\"three\"}}"))
                .isEqualTo(new FieldError("retry.maxRetryAttempts", "must be an integer"));
    }

    @Test
    void namesTheIndexWithinArrays() {
        assertThat(readTask("{\"dependencies\":[{\"task\":\"a\"},{\"task\":{\"x\":1}}]}"))
                .isEqualTo(new FieldError("dependencies[1].task", "must be a string"));
    }

    @Test
    void listsTheValuesOfAnEnum() {
        assertThat(readTask("{\"retry\":{\"backoff\":\"SOMETIMES\"}}"))
                .isEqualTo(new FieldError("retry.backoff", "must be one of [FIXED, LINEAR, EXPONENTIAL]"));
    }

    @Test
    void refusesNumbersWrittenAsStringsAndFractions() {
        assertThat(readTask("{\"priority\":\"50\"}")).isEqualTo(new FieldError("priority", "must be an integer"));
        assertThat(readTask("{\"priority\":50.5}")).isEqualTo(new FieldError("priority", "must be an integer"));
    }

    @Test
    void refusesAStringWhereAnObjectBelongs() {
        assertThat(readTask("{\"parameters\":\"path=/x\"}"))
                .isEqualTo(new FieldError("parameters", "must be a JSON object"));
    }

    @Test
    void refusesNumbersAndBooleansWhereTextBelongs() {
        assertThat(readTask("{\"name\":5}")).isEqualTo(new FieldError("name", "must be a string"));
        assertThat(readTask("{\"job\":true}")).isEqualTo(new FieldError("job", "must be a string"));
    }

    @Test
    void namesAFieldGivenTwice() {
        assertThat(readTask("{\"name\":\"a\",\"name\":\"b\"}")).isEqualTo(new FieldError("name", "is given twice"));
        assertThat(readTask("{\"retry\":{\"jitter\":true,\"jitter\":false}}"))
                .isEqualTo(new FieldError("retry.jitter", "is given twice"));
    }

    @Test
    void namesAnUnknownField() {
        assertThat(readTask("{\"prioirty\":5}")).isEqualTo(new FieldError("prioirty", "is not a known field"));
    }

    @Test
    void reportsMalformedJsonAgainstTheBody() {
        FieldError error = readTask("{\"name\": \"t\",");
        assertThat(error.field()).isEqualTo("body");
        assertThat(error.message()).startsWith("is not valid JSON");
    }

    @Test
    void reportsAnArrayBodyAgainstTheBody() {
        assertThat(readTask("[1,2]")).isEqualTo(new FieldError("body", "must be a JSON object"));
    }

    @Test
    void acceptsEnumsInAnyCase() throws Exception {
        assertThat(mapper.readValue("{\"retry\":{\"backoff\":\"linear\"}}", TaskRequest.class).retry().backoff())
                .hasToString("LINEAR");
    }

    @Test
    void ignoresTheReadOnlyFieldsOfAnAnswerSentBack() throws Exception {
        TaskRequest r = mapper.readValue("{\"id\":\"x\",\"name\":\"t\",\"definitionVersion\":3,"
                + "\"schedules\":[{\"id\":\"y\",\"cron\":\"@daily\"}]}", TaskRequest.class);
        assertThat(r.name()).isEqualTo("t");
    }

    @Test
    void explainsAMissingBody() {
        assertThat(JacksonErrors.describe(null)).isEqualTo(new FieldError("body", "a JSON body is required"));
    }
}
