package io.polysync.task.definition;

import io.polysync.task.support.Api;
import io.polysync.task.support.IntegrationTest;
import org.junit.jupiter.api.Test;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

class PreviewsIT extends IntegrationTest {

    private static List<Instant> fireTimes(Api.Response r) {
        List<Instant> times = new ArrayList<>();
        r.body().path("fireTimes").forEach(t -> times.add(Instant.parse(t.asString())));
        return times;
    }

    @Test
    void previewsSchedulesBeforeAndAfterSaving() {
        Instant before = Instant.now();
        Api.Response unsaved = api.post("/api/v1/schedule-preview", json(Map.of("schedules", List.of(
                Map.of("cron", "0 2 * * *", "timeZone", "Europe/Berlin"),
                Map.of("cron", "0 2 * * *", "timeZone", "America/New_York")), "count", 4)));

        assertThat(unsaved.status()).as(unsaved.text()).isEqualTo(200);
        assertThat(fireTimes(unsaved)).hasSize(4).isSorted().allMatch(t -> t.isAfter(before));

        String task = unique("scheduled");
        createNoopTask(task, List.of());
        String job = api.get("/api/v1/tasks/" + task).body().path("job").asString();
        assertThat(api.send("PUT", "/api/v1/tasks/" + task, json(Map.of("job", job, "schedules", List.of(
                Map.of("cron", "*/10 * * * *", "timeZone", "UTC"))))).status()).isEqualTo(200);
        Api.Response saved = api.get("/api/v1/tasks/" + task + "/schedule-preview?count=3");
        assertThat(saved.status()).isEqualTo(200);
        assertThat(fireTimes(saved)).hasSize(3).isSorted()
                .allMatch(t -> t.getEpochSecond() % 600 == 0 && t.isAfter(before));
        assertThat(fireTimes(api.get("/api/v1/tasks/" + task + "/schedule-preview"))).hasSize(10);

        Api.Response badCount = api.get("/api/v1/tasks/" + task + "/schedule-preview?count=0");
        Api.Response badCron = api.post("/api/v1/schedule-preview", json(Map.of("schedules", List.of(
                Map.of("cron", "0 25 * * *", "timeZone", "UTC")))));
        assertThat(badCount.status()).isEqualTo(400);
        assertThat(badCount.errorFields()).containsExactly("count");
        assertThat(badCron.errorFields()).containsExactly("schedules[0].cron");
    }

    @Test
    void previewsRetryDelaysBeforeAndAfterSaving() {
        Map<String, Object> retry = Map.of("enabled", true, "maxRetryAttempts", 3, "backoff", "EXPONENTIAL",
                "initialDelaySeconds", 10, "maxDelaySeconds", 30, "jitter", true);
        Api.Response unsaved = api.post("/api/v1/retry-preview", json(Map.of("retry", retry)));

        assertThat(unsaved.status()).as(unsaved.text()).isEqualTo(200);
        assertThat(unsaved.body().path("jitter").asBoolean()).isTrue();
        assertThat(unsaved.body().path("delays").toString()).isEqualTo("[{\"retry\":1,\"delaySeconds\":10,"
                + "\"minDelaySeconds\":5.0,\"maxDelaySeconds\":10.0},{\"retry\":2,\"delaySeconds\":20,"
                + "\"minDelaySeconds\":10.0,\"maxDelaySeconds\":20.0},{\"retry\":3,\"delaySeconds\":30,"
                + "\"minDelaySeconds\":15.0,\"maxDelaySeconds\":30.0}]");

        String task = unique("retried");
        createNoopTask(task, List.of());
        String job = api.get("/api/v1/tasks/" + task).body().path("job").asString();
        assertThat(api.send("PUT", "/api/v1/tasks/" + task, json(Map.of("job", job, "retry", Map.of(
                "maxRetryAttempts", 2, "backoff", "LINEAR", "initialDelaySeconds", 15)))).status()).isEqualTo(200);
        Api.Response saved = api.get("/api/v1/tasks/" + task + "/retry-preview");
        assertThat(saved.body().path("delays").get(1).path("delaySeconds").asLong()).isEqualTo(30);
        assertThat(saved.body().path("totalRetries").asInt()).isEqualTo(2);

        Api.Response bad = api.post("/api/v1/retry-preview", json(Map.of("retry", Map.of("initialDelaySeconds",
                -1))));
        assertThat(bad.status()).isEqualTo(400);
        assertThat(bad.errorFields()).containsExactly("retry.initialDelaySeconds");
        assertThat(api.post("/api/v1/retry-preview", "{}").errorFields()).containsExactly("retry");
    }
}
