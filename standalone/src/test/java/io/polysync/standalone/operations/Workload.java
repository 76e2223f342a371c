package io.polysync.standalone.operations;

import io.polysync.model.Topics;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.StringSerializer;
import tools.jackson.databind.JsonNode;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Enough traffic for every meter a dashboard or alert reads to move: a success, a failure retried once, a
 * dependency, an every-second schedule, two runs contending for a one-permit profile, an http run (so a circuit
 * breaker exists) and an unreadable external trigger (a dead letter). Everything starts at once, so the whole
 * workload takes about as long as its slowest run.
 */
final class Workload {

    private static final Duration TIMEOUT = Duration.ofSeconds(60);

    private final Api api;
    private final int apiPort;
    private final String bootstrapServers;
    private final String suffix = UUID.randomUUID().toString().substring(0, 8);

    Workload(Api api, int apiPort, String bootstrapServers) {
        this.api = api;
        this.apiPort = apiPort;
        this.bootstrapServers = bootstrapServers;
    }

    void run() {
        api.create("/api/v1/platforms", "{\"name\":\"local-" + suffix + "\",\"type\":\"shell\",\"config\":{}}");
        api.create("/api/v1/platforms", "{\"name\":\"self-" + suffix + "\",\"type\":\"http\","
                + "\"config\":{\"baseUrl\":\"http://127.0.0.1:" + apiPort + "\"}}");
        api.create("/api/v1/jobs", "{\"name\":\"noop-" + suffix + "\",\"platform\":\"local-" + suffix
                + "\",\"jobType\":\"noop\"}");
        api.create("/api/v1/jobs", "{\"name\":\"sh-" + suffix + "\",\"platform\":\"local-" + suffix
                + "\",\"jobType\":\"shell.command\"}");
        api.create("/api/v1/jobs", "{\"name\":\"health-" + suffix + "\",\"platform\":\"self-" + suffix
                + "\",\"jobType\":\"http.request\"}");
        api.create("/api/v1/contention-profiles", "{\"name\":\"warehouse-" + suffix + "\",\"maxConcurrent\":1}");

        String ok = task("ok", "sh", "{\"command\":[\"sh\",\"-c\",\"echo fine\"]}", "");
        String flaky = task("flaky", "noop", "{\"fail\":true,\"failMessage\":\"upstream 503\"}",
                ",\"retry\":{\"enabled\":true,\"maxRetryAttempts\":1,\"backoff\":\"FIXED\",\"initialDelaySeconds\":1,"
                        + "\"maxDelaySeconds\":1}");
        String parent = task("parent", "noop", "{}", "");
        String child = task("child", "noop", "{}", ",\"dependencies\":[{\"task\":\"" + parent + "\"}]");
        String first = task("load-a", "noop", "{\"sleepMillis\":1500}", ",\"contentionProfiles\":[\"warehouse-" + suffix + "\"]");
        String second = task("load-b", "noop", "{\"sleepMillis\":1500}", ",\"contentionProfiles\":[\"warehouse-" + suffix + "\"]");
        String http = task("health", "health", "{\"path\":\"/actuator/health\"}", "");
        String tick = task("tick", "noop", "{}", ",\"schedules\":[{\"cron\":\"* * * * * *\",\"timeZone\":\"UTC\"}]");

        for (String task : List.of(ok, flaky, parent, first, second, http)) {
            api.create("/api/v1/tasks/" + task + "/runs", "");
        }
        publishUnreadableExternalTrigger();

        awaitRuns(ok, 1, "SUCCEEDED");
        awaitRuns(flaky, 2, "FAILED");
        awaitRuns(child, 1, "SUCCEEDED");
        awaitRuns(first, 1, "SUCCEEDED");
        awaitRuns(second, 1, "SUCCEEDED");
        awaitRuns(http, 1, "SUCCEEDED");
        await().atMost(TIMEOUT).pollInterval(Duration.ofMillis(500))
                .until(() -> runsOf(tick).stream().filter(r -> "SUCCEEDED".equals(r.path("state").asString())).count() >= 2);
    }

    private String task(String name, String job, String parameters, String extra) {
        String task = name + "-" + suffix;
        api.create("/api/v1/tasks", "{\"name\":\"" + task + "\",\"job\":\"" + job + "-" + suffix
                + "\",\"parameters\":" + parameters + extra + "}");
        return task;
    }

    private void awaitRuns(String task, int count, String state) {
        await().atMost(TIMEOUT).pollInterval(Duration.ofMillis(300)).untilAsserted(() ->
                assertThat(runsOf(task)).as(task).hasSize(count)
                        .allSatisfy(run -> assertThat(run.path("state").asString()).isEqualTo(state)));
    }

    private List<JsonNode> runsOf(String task) {
        Api.Response response = api.get("/api/v1/tasks/" + task + "/runs?size=200");
        assertThat(response.status()).as(response.body()).isEqualTo(200);
        List<JsonNode> runs = new ArrayList<>();
        response.json().path("content").forEach(runs::add);
        return runs;
    }

    private void publishUnreadableExternalTrigger() {
        try (KafkaProducer<String, String> producer = new KafkaProducer<>(Map.of(
                ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers,
                ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, StringSerializer.class,
                ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, StringSerializer.class))) {
            producer.send(new ProducerRecord<>(Topics.EXTERNAL_TRIGGERS, "garbage-" + suffix, "{not json"));
            producer.flush();
        }
    }
}
