package io.polysync.standalone;

import io.polysync.model.Json;
import io.polysync.model.Topics;
import io.polysync.model.event.RunDispatched;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import tools.jackson.databind.JsonNode;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Every way a run starts, through the API and Kafka only: a cron schedule, a chain and a diamond of dependencies
 * with output mapping, retries with backoff, and external trigger events (with a duplicate and garbage).
 */
final class TriggerScenario {

    private static final Duration TIMEOUT = Duration.ofSeconds(60);

    private final PolysyncClient api;
    private final String bootstrapServers;
    private final String suffix = UUID.randomUUID().toString().substring(0, 8);

    TriggerScenario(PolysyncClient api, String bootstrapServers) {
        this.api = api;
        this.bootstrapServers = bootstrapServers;
        created(api.post("/api/v1/platforms", "{\"name\":\"p-" + suffix + "\",\"type\":\"shell\",\"config\":{}}"));
        created(api.post("/api/v1/jobs", "{\"name\":\"noop-" + suffix + "\",\"platform\":\"p-" + suffix
                + "\",\"jobType\":\"noop\",\"outputs\":[\"env\",\"source\"]}"));
    }

    /** An every-second schedule fires runs with consecutive, never early, scheduled instants. */
    void cronFiresEverySecondAndNeverEarly() {
        String task = task("tick", "{}", ",\"schedules\":[{\"cron\":\"* * * * * *\",\"timeZone\":\"Europe/Paris\"}]");
        List<JsonNode> runs = await().atMost(TIMEOUT).pollInterval(Duration.ofMillis(500))
                .until(() -> runsOf(task, "SCHEDULE"), list -> list.stream()
                        .filter(r -> "SUCCEEDED".equals(r.path("state").asString())).count() >= 3);
        List<Instant> fires = new ArrayList<>();
        for (JsonNode run : runs) {
            Instant scheduledFor = Instant.parse(run.path("scheduledFor").asString());
            Instant queuedAt = Instant.parse(run.path("queuedAt").asString());
            assertThat(queuedAt).as("a run is never queued before its fire instant").isAfterOrEqualTo(scheduledFor);
            assertThat(scheduledFor.getNano()).as("every-second fires are on the second").isZero();
            fires.add(scheduledFor);
        }
        assertThat(fires).doesNotHaveDuplicates();
    }

    /**
     * A chain hands outputs down and a diamond A → {B, C} → D triggers D exactly once. A's output {@code env} becomes
     * the environment of the shell jobs B and C, which print what they received as their own outputs; B's {@code day}
     * is mapped into D's {@code failMessage} (a string parameter of noop), seen on D's dispatched parameters.
     */
    void dependenciesTriggerOnceWithMappedOutputs() {
        created(api.post("/api/v1/jobs", "{\"name\":\"sh-" + suffix + "\",\"platform\":\"p-" + suffix
                + "\",\"jobType\":\"shell.command\",\"outputs\":[\"day\",\"region\"]}"));
        String a = task("a", "{\"outputs\":{\"env\":{\"DAY\":\"2026-11-28\",\"REGION\":\"eu\"}}}", "");
        String b = shellTask("b", "echo ::output day=$DAY", a, "env", "env");
        String c = shellTask("c", "echo ::output region=$REGION", a, "env", "env");
        String d = task("d", "{}", ",\"dependencies\":[{\"task\":\"" + b
                + "\",\"mappings\":[{\"output\":\"day\",\"input\":\"failMessage\"}]},{\"task\":\"" + c + "\"}]");

        runOnce(a);
        JsonNode dRun = await().atMost(TIMEOUT).pollInterval(Duration.ofMillis(300))
                .until(() -> runsOf(d, "DEPENDENCY"), list -> list.stream()
                        .anyMatch(r -> "SUCCEEDED".equals(r.path("state").asString()))).get(0);
        List<JsonNode> bRuns = runsOf(b, "DEPENDENCY");
        List<JsonNode> cRuns = runsOf(c, "DEPENDENCY");
        assertThat(bRuns).hasSize(1);
        assertThat(cRuns).hasSize(1);
        assertThat(bRuns.get(0).path("outputs").path("day").asString()).isEqualTo("2026-11-28");
        assertThat(cRuns.get(0).path("outputs").path("region").asString()).isEqualTo("eu");

        RunDispatched dispatched = dispatchedRun(UUID.fromString(dRun.path("runId").asString()));
        assertThat(dispatched.parameters()).containsEntry("failMessage", "2026-11-28");
        // the sink stays at one run: the two parents' successes made one trigger
        await().during(Duration.ofSeconds(2)).atMost(Duration.ofSeconds(5))
                .until(() -> runsOf(d, null).size() == 1);
    }

    private String shellTask(String name, String script, String parent, String output, String input) {
        String task = name + "-" + suffix;
        created(api.post("/api/v1/tasks", "{\"name\":\"" + task + "\",\"job\":\"sh-" + suffix
                + "\",\"parameters\":{\"command\":[\"sh\",\"-c\",\"" + script + "\"]},\"dependencies\":[{\"task\":\""
                + parent + "\",\"mappings\":[{\"output\":\"" + output + "\",\"input\":\"" + input + "\"}]}]}"));
        return task;
    }

    /** A retryable failure is retried as new runs after the fixed delay, up to the limit, linked to each other. */
    void failuresAreRetriedWithBackoff() {
        String task = task("flaky", "{\"fail\":true,\"failMessage\":\"upstream 503\"}",
                ",\"retry\":{\"enabled\":true,\"maxRetryAttempts\":2,\"backoff\":\"FIXED\",\"initialDelaySeconds\":1,"
                        + "\"maxDelaySeconds\":5}");
        String first = runOnce(task);
        List<JsonNode> runs = await().atMost(TIMEOUT).pollInterval(Duration.ofMillis(300))
                .until(() -> runsOf(task, null), list -> list.size() == 3 && list.stream()
                        .allMatch(r -> "FAILED".equals(r.path("state").asString())));
        JsonNode attempt1 = byAttempt(runs, 1);
        JsonNode attempt2 = byAttempt(runs, 2);
        JsonNode attempt3 = byAttempt(runs, 3);
        assertThat(attempt1.path("runId").asString()).isEqualTo(first);
        assertThat(attempt2.path("triggerType").asString()).isEqualTo("RETRY");
        assertThat(attempt2.path("retryOf").asString()).isEqualTo(first);
        assertThat(attempt3.path("retryOf").asString()).isEqualTo(attempt2.path("runId").asString());
        assertThat(api.get("/api/v1/runs/" + first).json().path("retriedBy").asString())
                .isEqualTo(attempt2.path("runId").asString());
        for (JsonNode[] pair : List.of(new JsonNode[] {attempt1, attempt2}, new JsonNode[] {attempt2, attempt3})) {
            Duration gap = Duration.between(Instant.parse(pair[0].path("finishedAt").asString()),
                    Instant.parse(pair[1].path("queuedAt").asString()));
            assertThat(gap).as("retry delay").isGreaterThanOrEqualTo(Duration.ofSeconds(1))
                    .isLessThan(Duration.ofSeconds(15));
        }
        // after the last attempt nothing follows
        await().during(Duration.ofSeconds(3)).atMost(Duration.ofSeconds(6)).until(() -> runsOf(task, null).size() == 3);
    }

    /** Upstream systems publish trigger events; a duplicate key makes one run, garbage goes to the dead-letter topic. */
    void externalTriggersMakeOneRunPerKey() {
        String task = task("ext", "{}", "");
        String event = "{\"task\":\"" + task + "\",\"idempotencyKey\":\"order-" + suffix
                + "\",\"parameters\":{\"outputs\":{\"source\":\"erp\"}}}";
        try (KafkaProducer<String, String> producer = producer()) {
            producer.send(new ProducerRecord<>(Topics.EXTERNAL_TRIGGERS, "k-" + suffix, "{not json"));
            producer.send(new ProducerRecord<>(Topics.EXTERNAL_TRIGGERS, "k-" + suffix,
                    "{\"task\":\"no-such-task-" + suffix + "\",\"idempotencyKey\":\"x\"}"));
            producer.send(new ProducerRecord<>(Topics.EXTERNAL_TRIGGERS, "k-" + suffix, event));
            producer.send(new ProducerRecord<>(Topics.EXTERNAL_TRIGGERS, "k-" + suffix, event));
            producer.flush();
        }
        List<JsonNode> runs = await().atMost(TIMEOUT).pollInterval(Duration.ofMillis(300))
                .until(() -> runsOf(task, "EXTERNAL"), list -> list.size() == 1
                        && "SUCCEEDED".equals(list.get(0).path("state").asString()));
        assertThat(runs.get(0).path("outputs").path("source").asString()).isEqualTo("erp");
        await().during(Duration.ofSeconds(2)).atMost(Duration.ofSeconds(5))
                .until(() -> runsOf(task, null).size() == 1);
    }

    private String task(String name, String parameters, String extra) {
        String task = name + "-" + suffix;
        created(api.post("/api/v1/tasks", "{\"name\":\"" + task + "\",\"job\":\"noop-" + suffix + "\",\"parameters\":"
                + parameters + extra + "}"));
        return task;
    }

    private String runOnce(String task) {
        PolysyncClient.Response accepted = api.post("/api/v1/tasks/" + task + "/runs", "");
        assertThat(accepted.status()).as(accepted.body()).isEqualTo(202);
        return accepted.json().path("runId").asString();
    }

    private List<JsonNode> runsOf(String task, String triggerType) {
        String query = "/api/v1/tasks/" + task + "/runs?size=200" + (triggerType == null ? "" : "&triggerType=" + triggerType);
        PolysyncClient.Response response = api.get(query);
        assertThat(response.status()).as(response.body()).isEqualTo(200);
        List<JsonNode> runs = new ArrayList<>();
        response.json().path("content").forEach(runs::add);
        return runs;
    }

    private static JsonNode byAttempt(List<JsonNode> runs, int attempt) {
        Optional<JsonNode> run = runs.stream().filter(r -> r.path("attempt").asInt() == attempt).findFirst();
        assertThat(run).as("attempt " + attempt).isPresent();
        return run.get();
    }

    private RunDispatched dispatchedRun(UUID runId) {
        Map<String, Object> config = Map.of(
                ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers,
                ConsumerConfig.GROUP_ID_CONFIG, "scenario-" + UUID.randomUUID(),
                ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest",
                ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, StringDeserializer.class,
                ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, StringDeserializer.class);
        try (KafkaConsumer<String, String> consumer = new KafkaConsumer<>(config)) {
            consumer.subscribe(List.of(Topics.RUNS_HIGH, Topics.RUNS_NORMAL, Topics.RUNS_LOW));
            List<RunDispatched> found = new ArrayList<>();
            await().atMost(TIMEOUT).until(() -> {
                consumer.poll(Duration.ofMillis(200)).forEach(r -> {
                    if (runId.toString().equals(r.key())) {
                        found.add(Json.decode(r.value(), RunDispatched.class));
                    }
                });
                return !found.isEmpty();
            });
            return found.get(0);
        }
    }

    private KafkaProducer<String, String> producer() {
        return new KafkaProducer<>(Map.of(
                ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers,
                ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, StringSerializer.class,
                ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, StringSerializer.class));
    }

    private static void created(PolysyncClient.Response response) {
        assertThat(response.status()).as(response.body()).isEqualTo(201);
    }
}
