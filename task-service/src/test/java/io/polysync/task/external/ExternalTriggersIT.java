package io.polysync.task.external;

import io.micrometer.core.instrument.MeterRegistry;
import io.polysync.model.Json;
import io.polysync.model.Topics;
import io.polysync.model.event.ExternalTriggerRequested;
import io.polysync.model.event.TriggerRequested;
import io.polysync.model.id.Ids;
import io.polysync.model.run.TriggerType;
import io.polysync.runtime.outbox.OutboxRelay;
import io.polysync.runtime.testing.TopicProbe;
import io.polysync.task.support.Api;
import io.polysync.task.support.IntegrationTest;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

class ExternalTriggersIT extends IntegrationTest {

    /** Every record of one test on one partition, so "a later record is still processed" means something. */
    private static final int PARTITION = 3;

    @Autowired
    private MeterRegistry meters;

    @Autowired
    private OutboxRelay relay;

    @Test
    void everyOutcomeIsCountedFromZeroOnStartUp() {
        assertThat(meters.find(ExternalTriggers.METRIC).counters()).extracting(c -> c.getId().getTag("outcome")
                + "/" + c.getId().getTag("reason")).contains("accepted/none", "duplicate/none",
                "rejected/undecodable", "rejected/unknown_task", "rejected/invalid_idempotency_key",
                "rejected/invalid_parameters");
    }

    @Test
    void anAcceptedExternalTriggerMakesAnExternalRunAndPublishesItsTrigger() {
        String task = unique("ext");
        UUID taskId = createNoopTask(task, List.of());
        double acceptedBefore = count("accepted", "none");

        send(task, json(new ExternalTriggerRequested(task, "order-1001", Map.of("sleepMillis", 7))));

        UUID runId = runIdOf(taskId, "order-1001");
        Api.Response run = awaitRun(runId);
        assertThat(run.body().path("triggerType").asString()).isEqualTo("EXTERNAL");
        assertThat(run.body().path("state").asString()).isEqualTo("QUEUED");
        assertThat(run.body().path("requestedBy").asString()).isEqualTo("external");
        assertThat(run.body().path("task").asString()).isEqualTo(task);
        TriggerRequested trigger = Json.decode(TopicProbe.await(Topics.TRIGGERS,
                r -> taskId.toString().equals(r.key()) && r.value().contains(runId.toString())).value(),
                TriggerRequested.class);
        assertThat(trigger.triggerType()).isEqualTo(TriggerType.EXTERNAL);
        assertThat(trigger.triggerId()).isEqualTo(Ids.triggerId(taskId, TriggerType.EXTERNAL, "order-1001"));
        assertThat(trigger.overrides()).containsEntry("sleepMillis", 7);
        assertThat(trigger.requestedBy()).isEqualTo("external");
        assertThat(trigger.definitionVersion()).isEqualTo(1);
        awaitCount("accepted", "none", acceptedBefore + 1);
    }

    @Test
    void theSameIdempotencyKeyTwiceMakesOneRunAndCountsADuplicate() {
        String task = unique("ext-dup");
        UUID taskId = createNoopTask(task, List.of());
        double duplicatesBefore = count("duplicate", "none");
        String record = json(new ExternalTriggerRequested(task, "same-key", Map.of()));

        send(task, record);
        send(task, record);

        UUID runId = runIdOf(taskId, "same-key");
        awaitRun(runId);
        awaitCount("duplicate", "none", duplicatesBefore + 1);
        assertThat(api.get("/api/v1/tasks/" + task + "/runs").body().path("totalElements").asLong()).isEqualTo(1);
        while (relay.publishBatch() > 0) {
            // drain the outbox, so the count below is final
        }
        assertThat(TopicProbe.readAll(Topics.TRIGGERS)).filteredOn(r -> r.value().contains(runId.toString()))
                .hasSize(1);
    }

    @Test
    void aRecordWithoutAKeyGetsAFreshOne() {
        String task = unique("ext-nokey");
        createNoopTask(task, List.of());

        send(task, "{\"task\":\"" + task + "\"}");
        send(task, "{\"task\":\"" + task + "\",\"parameters\":{}}");

        await().atMost(Duration.ofSeconds(30)).until(() ->
                api.get("/api/v1/tasks/" + task + "/runs").body().path("totalElements").asLong() == 2);
    }

    @Test
    void poisonRecordsGoToTheDeadLetterTopicWithTheirReasonAndTheNextRecordIsStillProcessed() {
        String task = unique("ext-poison");
        UUID taskId = createNoopTask(task, List.of());
        Map<String, Double> before = new HashMap<>();
        for (String reason : List.of("undecodable", "unknown_task", "invalid_idempotency_key",
                "invalid_parameters")) {
            before.put(reason, count("rejected", reason));
        }
        String garbageKey = unique("garbage");
        String unknownKey = unique("unknown");
        String badKeyKey = unique("blank-key");
        String badParamsKey = unique("bad-params");
        String validKey = unique("valid");

        sendBytes(garbageKey, new byte[] {(byte) 0xff, (byte) 0xfe, 0x00, '{', '{', (byte) 0x80});
        send(unknownKey, json(new ExternalTriggerRequested("ghost-" + task, "k-1", Map.of())));
        send(badKeyKey, json(new ExternalTriggerRequested(task, "  ", Map.of())));
        send(badParamsKey, json(new ExternalTriggerRequested(task, "k-2", Map.of("sleepMillis", "slow"))));
        send(validKey, json(new ExternalTriggerRequested(task, "k-3", Map.of())));

        awaitRun(runIdOf(taskId, "k-3"));
        assertThat(deadLetterReason(garbageKey)).contains("undecodable: not a JSON object");
        assertThat(deadLetterReason(unknownKey)).contains("unknown_task: name no task named 'ghost-" + task + "'");
        assertThat(deadLetterReason(badKeyKey)).contains("invalid_idempotency_key: idempotencyKey must be");
        assertThat(deadLetterReason(badParamsKey)).contains("invalid_parameters: parameters.sleepMillis");
        before.forEach((reason, count) -> awaitCount("rejected", reason, count + 1));
        assertThat(api.get("/api/v1/runs/" + runIdOf(taskId, "k-2")).status()).isEqualTo(404);
        assertThat(api.get("/api/v1/tasks/" + task + "/runs").body().path("totalElements").asLong()).isEqualTo(1);
    }

    private String deadLetterReason(String key) {
        ConsumerRecord<String, String> dead = TopicProbe.await(Topics.deadLetter(Topics.EXTERNAL_TRIGGERS),
                r -> key.equals(r.key()));
        Header message = dead.headers().lastHeader("kafka_dlt-exception-message");
        assertThat(message).as("exception message header").isNotNull();
        return new String(message.value(), StandardCharsets.UTF_8);
    }

    private Api.Response awaitRun(UUID runId) {
        await().atMost(Duration.ofSeconds(30)).until(() -> api.get("/api/v1/runs/" + runId).status() == 200);
        return api.get("/api/v1/runs/" + runId);
    }

    private static UUID runIdOf(UUID taskId, String key) {
        return Ids.runId(Ids.triggerId(taskId, TriggerType.EXTERNAL, key));
    }

    private void send(String key, String value) {
        kafka.send(new ProducerRecord<>(Topics.EXTERNAL_TRIGGERS, PARTITION, key, value)).join();
    }

    private static void sendBytes(String key, byte[] value) {
        try (KafkaProducer<byte[], byte[]> producer = new KafkaProducer<>(Map.of(
                ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, System.getProperty("spring.embedded.kafka.brokers"),
                ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class,
                ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class))) {
            producer.send(new ProducerRecord<>(Topics.EXTERNAL_TRIGGERS, PARTITION,
                    key.getBytes(StandardCharsets.UTF_8), value)).get();
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    private double count(String outcome, String reason) {
        return meters.get(ExternalTriggers.METRIC).tag("outcome", outcome).tag("reason", reason).counter().count();
    }

    private void awaitCount(String outcome, String reason, double atLeast) {
        await().atMost(Duration.ofSeconds(30)).until(() -> count(outcome, reason) >= atLeast);
    }
}
