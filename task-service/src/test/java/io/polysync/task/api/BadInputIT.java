package io.polysync.task.api;

import io.polysync.task.support.Api;
import io.polysync.task.support.IntegrationTest;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.params.provider.Arguments.arguments;

/** Every bad request answers a problem naming what is wrong, and changes nothing. */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class BadInputIT extends IntegrationTest {

    private static final String SUFFIX = UUID.randomUUID().toString().substring(0, 8);
    private static final String HTTP = "http-" + SUFFIX;
    private static final String SHELL = "shell-" + SUFFIX;
    private static final String JOB = "job-" + SUFFIX;
    private static final String TASK = "task-" + SUFFIX;
    private static final String NEW = "new-" + SUFFIX;

    @BeforeAll
    void fixtures() {
        api = new Api(port());
        assertThat(api.post("/api/v1/platforms", json(Map.of("name", HTTP, "type", "http",
                "config", Map.of("baseUrl", "http://127.0.0.1:9")))).status()).isEqualTo(201);
        assertThat(api.post("/api/v1/platforms", json(Map.of("name", SHELL, "type", "shell"))).status())
                .isEqualTo(201);
        assertThat(api.post("/api/v1/jobs", json(Map.of("name", JOB, "platform", SHELL, "jobType", "noop")))
                .status()).isEqualTo(201);
        assertThat(api.post("/api/v1/tasks", json(Map.of("name", TASK, "job", JOB))).status()).isEqualTo(201);
    }

    static Stream<Arguments> badRequests() {
        String platforms = "/api/v1/platforms";
        String jobs = "/api/v1/jobs";
        String tasks = "/api/v1/tasks";
        String runs = "/api/v1/tasks/" + TASK + "/runs";
        return Stream.of(
                arguments("malformed JSON", platforms, "{\"name\": \"x\",", 400, "body"),
                arguments("empty body", platforms, null, 400, "body"),
                arguments("array body", platforms, "[]", 400, "body"),
                arguments("platform without name", platforms, "{\"type\":\"http\"}", 400, "name"),
                arguments("platform name with capitals", platforms, "{\"name\":\"Bad\",\"type\":\"http\"}", 400, "name"),
                arguments("platform of unknown type", platforms, "{\"name\":\"" + NEW + "\",\"type\":\"ftp\"}", 400,
                        "type"),
                arguments("platform config not an object", platforms,
                        "{\"name\":\"" + NEW + "\",\"type\":\"http\",\"config\":\"x\"}", 400, "config"),
                arguments("unknown field", platforms, "{\"name\":\"" + NEW + "\",\"type\":\"http\",\"colour\":1}", 400,
                        "colour"),
                arguments("number as platform name", platforms, "{\"name\":5,\"type\":\"http\"}", 400, "name"),
                arguments("field given twice", platforms,
                        "{\"name\":\"" + NEW + "\",\"type\":\"http\",\"name\":\"other\"}", 400, "name"),
                arguments("duplicate platform", platforms, "{\"name\":\"" + HTTP + "\",\"type\":\"http\","
                        + "\"config\":{\"baseUrl\":\"http://127.0.0.1:9\"}}", 409, "name"),
                arguments("job of unknown type", jobs,
                        "{\"name\":\"" + NEW + "\",\"platform\":\"" + HTTP + "\",\"jobType\":\"sql.quer\"}", 400,
                        "jobType"),
                arguments("job on unknown platform", jobs,
                        "{\"name\":\"" + NEW + "\",\"platform\":\"nowhere\",\"jobType\":\"noop\"}", 400, "platform"),
                arguments("job type not for the platform", jobs,
                        "{\"name\":\"" + NEW + "\",\"platform\":\"" + SHELL + "\",\"jobType\":\"http.request\"}", 400,
                        "jobType"),
                arguments("job without jobType", jobs, "{\"name\":\"" + NEW + "\",\"platform\":\"" + SHELL + "\"}",
                        400, "jobType"),
                arguments("job outputs not an array", jobs, "{\"name\":\"" + NEW + "\",\"platform\":\"" + SHELL
                        + "\",\"jobType\":\"noop\",\"outputs\":\"day\"}", 400, "outputs"),
                arguments("job default naming an unknown vault", jobs, "{\"name\":\"" + NEW + "\",\"platform\":\""
                        + SHELL + "\",\"jobType\":\"noop\",\"defaults\":{\"failMessage\":\"vault://ghost-" + SUFFIX
                        + "/key\"}}", 400, "defaults.failMessage"),
                arguments("nested job default naming an unknown vault", jobs, "{\"name\":\"" + NEW
                        + "\",\"platform\":\"" + SHELL + "\",\"jobType\":\"shell.command\",\"defaults\":{\"env\":"
                        + "{\"TOKEN\":\"vault://ghost-" + SUFFIX + "/key\"}}}", 400, "defaults.env.TOKEN"),
                arguments("duplicate job", jobs,
                        "{\"name\":\"" + JOB + "\",\"platform\":\"" + SHELL + "\",\"jobType\":\"noop\"}", 409, "name"),
                arguments("task of unknown job", tasks, "{\"name\":\"" + NEW + "\",\"job\":\"nothing\"}", 400, "job"),
                arguments("task without job", tasks, "{\"name\":\"" + NEW + "\"}", 400, "job"),
                arguments("priority above 100", tasks, task("\"priority\":101"), 400, "priority"),
                arguments("priority as text", tasks, task("\"priority\":\"high\""), 400, "priority"),
                arguments("negative retries", tasks, task("\"retry\":{\"maxRetryAttempts\":-1}"), 400,
                        "retry.maxRetryAttempts"),
                arguments("unknown backoff", tasks, task("\"retry\":{\"backoff\":\"RANDOM\"}"), 400, "retry.backoff"),
                arguments("zero timeout", tasks, task("\"executionTimeoutSeconds\":0"), 400,
                        "executionTimeoutSeconds"),
                arguments("zero concurrency", tasks, task("\"maxConcurrentRuns\":0"), 400, "maxConcurrentRuns"),
                arguments("unknown time zone", tasks,
                        task("\"schedules\":[{\"cron\":\"0 2 * * *\",\"timeZone\":\"Mars/Base\"}]"), 400,
                        "schedules[0].timeZone"),
                arguments("invalid cron", tasks, task("\"schedules\":[{\"cron\":\"0 25 * * *\"}]"), 400,
                        "schedules[0].cron"),
                arguments("dependency on itself", tasks, task("\"dependencies\":[{\"task\":\"" + NEW + "\"}]"), 400,
                        "dependencies[0].task"),
                arguments("dependency on an unknown task", tasks, task("\"dependencies\":[{\"task\":\"ghost\"}]"),
                        400, "dependencies[0].task"),
                arguments("mapping of an undeclared output", tasks, task("\"dependencies\":[{\"task\":\"" + TASK
                        + "\",\"mappings\":[{\"output\":\"day\",\"input\":\"day\"}]}]"), 400,
                        "dependencies[0].mappings[0].output"),
                arguments("unknown misfire policy", tasks, task("\"misfirePolicy\":\"LATER\""), 400, "misfirePolicy"),
                arguments("duplicate task", tasks, "{\"name\":\"" + TASK + "\",\"job\":\"" + JOB + "\"}", 409, "name"),
                arguments("run parameters not an object", runs, "{\"parameters\":\"x\"}", 400, "parameters"),
                arguments("run parameters an array", runs, "{\"parameters\":[1]}", 400, "parameters"),
                arguments("run with an unknown field", runs, "{\"params\":{}}", 400, "params"),
                arguments("blank idempotency key", runs, "{\"idempotencyKey\":\" \"}", 400, "idempotencyKey"),
                arguments("run of an unknown task", "/api/v1/tasks/ghost-" + SUFFIX + "/runs", "{}", 404, "name"));
    }

    private static String task(String fields) {
        return "{\"name\":\"" + NEW + "\",\"job\":\"" + JOB + "\"," + fields + "}";
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("badRequests")
    void answersAProblemNamingTheFieldAndChangesNothing(String what, String path, String body, int status,
                                                       String field) {
        Map<String, Integer> before = rowCounts();

        Api.Response response = api.post(path, body);

        assertThat(response.status()).as(response.text()).isEqualTo(status);
        assertThat(response.contentType()).startsWith("application/problem+json");
        assertThat(response.body().path("status").asInt()).isEqualTo(status);
        assertThat(response.body().path("title").asString()).isNotBlank();
        assertThat(response.body().path("detail").asString()).isNotBlank();
        assertThat(response.errorFields()).contains(field);
        assertThat(rowCounts()).isEqualTo(before);
        assertThat(api.get("/api/v1/platforms/" + NEW).status()).isEqualTo(404);
        assertThat(api.get("/api/v1/jobs/" + NEW).status()).isEqualTo(404);
        assertThat(api.get("/api/v1/tasks/" + NEW).status()).isEqualTo(404);
    }

    @Test
    void replacingAJobWithADefaultNamingAnUnknownVaultChangesNothing() {
        String before = api.get("/api/v1/jobs/" + JOB).text();

        Api.Response response = api.send("PUT", "/api/v1/jobs/" + JOB, json(Map.of("name", JOB, "platform", SHELL,
                "jobType", "noop", "defaults", Map.of("failMessage", "vault://ghost-" + SUFFIX + "/key"))));

        assertThat(response.status()).as(response.text()).isEqualTo(400);
        assertThat(response.contentType()).startsWith("application/problem+json");
        assertThat(response.errorFields()).containsExactly("defaults.failMessage");
        assertThat(response.text()).contains("ghost-" + SUFFIX).doesNotContain("/key");
        assertThat(api.get("/api/v1/jobs/" + JOB).text()).isEqualTo(before);
    }

    @Test
    void reportsEveryBadFieldOfOneRequest() {
        Api.Response response = api.post("/api/v1/tasks", "{\"name\":\"No Good\",\"job\":\"nothing\","
                + "\"priority\":-1,\"maxConcurrentRuns\":0}");

        assertThat(response.status()).isEqualTo(400);
        assertThat(response.errorFields()).containsExactlyInAnyOrder("name", "job", "priority", "maxConcurrentRuns");
    }

    @Test
    void neverEvaluatesUserStrings() {
        Api.Response response = api.post("/api/v1/platforms", "{\"name\":\"${7*7}\",\"type\":\"#{7*7}\"}");

        assertThat(response.status()).isEqualTo(400);
        assertThat(response.text()).doesNotContain("49");
    }

    @Test
    void refusesBodiesThatAreNotJson() {
        Map<String, Integer> before = rowCounts();

        Api.Response response = api.post("/api/v1/platforms", "text/plain", "name=x");

        assertThat(response.status()).isEqualTo(415);
        assertThat(response.contentType()).startsWith("application/problem+json");
        assertThat(response.errorFields()).containsExactly("Content-Type");
        assertThat(rowCounts()).isEqualTo(before);
    }

    @Test
    void unknownPathsAndMethodsAnswerProblemsToo() {
        Api.Response missing = api.get("/api/v1/nothing-here");
        assertThat(missing.status()).isEqualTo(404);
        assertThat(missing.contentType()).startsWith("application/problem+json");
        assertThat(missing.body().path("errors").isArray()).isTrue();

        Api.Response method = api.post("/api/v1/job-types", "{}");
        assertThat(method.status()).isEqualTo(405);
        assertThat(method.contentType()).startsWith("application/problem+json");

        for (String path : List.of("/api/v1/platforms/" + NEW, "/api/v1/jobs/" + NEW, "/api/v1/tasks/" + NEW)) {
            Api.Response notFound = api.get(path);
            assertThat(notFound.status()).isEqualTo(404);
            assertThat(notFound.errorFields()).containsExactly("name");
        }
    }
}
