package io.polysync.task.run;

import io.micrometer.core.instrument.MeterRegistry;
import io.polysync.model.Topics;
import io.polysync.task.support.IntegrationTest;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;

import java.time.Duration;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/** The task-service's meters of docs/metrics.md: there from start-up, Run Once counted once per new run. */
class TaskServiceMetricsIT extends IntegrationTest {

    @Autowired
    MeterRegistry meters;

    @Test
    void everyMeterExistsFromStartUpTaggedWithTheService() {
        for (String name : List.of("polysync.task.run.once", "polysync.outbox.backlog", "polysync.outbox.oldest.age",
                "polysync.outbox.published")) {
            assertThat(meters.find(name).meters()).as(name).hasSize(1)
                    .allSatisfy(m -> assertThat(m.getId().getTag("service")).isEqualTo("task-service"));
        }
        assertThat(meters.find("polysync.task.external.triggers").counters()).hasSize(6);
        assertThat(meters.find("polysync.dlq.records").counters()).extracting(c -> c.getId().getTag("topic"))
                .contains(Topics.RUN_EVENTS, Topics.EXTERNAL_TRIGGERS);
    }

    @Test
    void runOnceCountsEachNewRunOnceAndTheOutboxPublishesIt() {
        String task = unique("metrics");
        createNoopTask(task, List.of());
        double runOnce = meters.get("polysync.task.run.once").counter().count();
        double published = meters.get("polysync.outbox.published").counter().count();
        String body = json(Map.of("idempotencyKey", "once"));

        assertThat(api.post("/api/v1/tasks/" + task + "/runs", body).status()).isEqualTo(202);
        assertThat(api.post("/api/v1/tasks/" + task + "/runs", body).status()).isEqualTo(202);

        assertThat(meters.get("polysync.task.run.once").counter().count()).isEqualTo(runOnce + 1);
        await().atMost(Duration.ofSeconds(10)).untilAsserted(() ->
                assertThat(meters.get("polysync.outbox.published").counter().count()).isGreaterThan(published));
    }
}
