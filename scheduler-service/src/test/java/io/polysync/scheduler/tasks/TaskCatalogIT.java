package io.polysync.scheduler.tasks;

import io.polysync.model.Json;
import io.polysync.model.Topics;
import io.polysync.model.event.RunStateChanged;
import io.polysync.model.event.TaskDefinitionChanged;
import io.polysync.model.run.RunState;
import io.polysync.model.run.TriggerType;
import io.polysync.model.task.JobSnapshot;
import io.polysync.model.task.PlatformSnapshot;
import io.polysync.model.task.TaskSnapshot;
import io.polysync.runtime.testing.TestDatabase;
import io.polysync.runtime.testing.TestProperties;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.kafka.core.KafkaTemplate;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

import javax.sql.DataSource;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

@SpringBootTest(properties = "spring.config.name=scheduler-service")
class TaskCatalogIT {

    @DynamicPropertySource
    static void infrastructure(DynamicPropertyRegistry registry) {
        TestProperties.database(registry, TestDatabase.freshSchema("scheduler"));
        TestProperties.kafka(registry);
    }

    @Autowired
    KafkaTemplate<String, String> kafka;
    @Autowired
    TaskCatalog tasks;
    @Autowired
    JdbcTemplate jdbc;
    @Autowired
    DataSource dataSource;

    @Test
    void keepsTheLatestDefinitionAndForgetsDeletedTasks() {
        UUID taskId = UUID.randomUUID();
        publishDefinition(taskId, 2);
        publishDefinition(taskId, 1);
        publishDefinition(taskId, 3);

        await().atMost(Duration.ofSeconds(30)).untilAsserted(() ->
                assertThat(tasks.views(List.of(taskId)).get(taskId)).isNotNull()
                        .extracting(TaskView::definitionVersion).isEqualTo(3L));

        kafka.send(Topics.TASK_DEFINITIONS, taskId.toString(), null);
        await().atMost(Duration.ofSeconds(30)).until(() -> tasks.views(List.of(taskId)).isEmpty());
    }

    @Test
    void remembersTheNewestSuccessAndIgnoresOlderReplays() {
        UUID taskId = UUID.randomUUID();
        UUID newer = UUID.randomUUID();
        Instant t0 = Instant.parse("2026-11-28T10:00:00Z");
        publishRun(taskId, newer, RunState.SUCCEEDED, t0.plusSeconds(60), Map.of("day", "2026-11-28"));
        publishRun(taskId, UUID.randomUUID(), RunState.SUCCEEDED, t0, Map.of("day", "2026-11-27"));
        publishRun(taskId, UUID.randomUUID(), RunState.FAILED, t0.plusSeconds(120), Map.of());
        UUID marker = UUID.randomUUID();
        UUID markerRun = UUID.randomUUID();
        publishRun(marker, markerRun, RunState.SUCCEEDED, t0, Map.of());

        // run-events is keyed by taskId: once a later record of another task is applied, ours may still lag on its
        // own partition, so wait for ours explicitly and then check it did not move back.
        await().atMost(Duration.ofSeconds(30)).until(() -> !lastSuccess(marker).isEmpty());
        await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> {
            List<Map<String, Object>> last = lastSuccess(taskId);
            assertThat(last).singleElement().satisfies(row -> {
                assertThat(row.get("run_id")).isEqualTo(newer);
                assertThat(Json.decode((String) row.get("outputs"), Map.class)).containsEntry("day", "2026-11-28");
            });
        });
    }

    /**
     * A replica inserts the task's first success while this one offers a newer: this one's update finds no row yet,
     * its insert waits on the other's uncommitted key and then inserts nothing, so only the update offered once more
     * keeps the newer success. The interleaving is made certain by holding the other replica's transaction open until
     * PostgreSQL shows this one waiting for its lock.
     */
    @Test
    void aNewerSuccessWinsOverTheFirstRowAReplicaInsertsMeanwhile() throws Exception {
        UUID taskId = UUID.randomUUID();
        UUID older = UUID.randomUUID();
        UUID newer = UUID.randomUUID();
        Instant t0 = Instant.parse("2026-11-28T10:00:00Z");
        try (Connection replica = dataSource.getConnection()) {
            replica.setAutoCommit(false);
            try (PreparedStatement insert = replica.prepareStatement("INSERT INTO last_success"
                    + " (task_id, run_id, outputs, finished_at) VALUES (?, ?, '{}', ?)")) {
                insert.setObject(1, taskId);
                insert.setObject(2, older);
                insert.setObject(3, t0.atOffset(ZoneOffset.UTC));
                insert.executeUpdate();
            }
            CompletableFuture<Void> offered = CompletableFuture.runAsync(() -> tasks.onSuccesses(List.of(
                    succeeded(taskId, newer, t0.plusSeconds(60)))));
            await().atMost(Duration.ofSeconds(30)).until(() -> jdbc.queryForObject("SELECT count(*) FROM"
                    + " pg_stat_activity WHERE wait_event_type = 'Lock' AND query LIKE 'INSERT INTO last_success%'"
                    + " AND datname = current_database()", Integer.class) > 0);
            replica.commit();
            offered.get(30, TimeUnit.SECONDS);
        }
        assertThat(lastSuccess(taskId)).singleElement()
                .satisfies(row -> assertThat(row.get("run_id")).isEqualTo(newer));
    }

    private List<Map<String, Object>> lastSuccess(UUID taskId) {
        return jdbc.queryForList("SELECT run_id, outputs FROM last_success WHERE task_id = ?", taskId);
    }

    private void publishDefinition(UUID taskId, long version) {
        PlatformSnapshot platform = new PlatformSnapshot(UUID.randomUUID(), "local", "shell", Map.of());
        JobSnapshot job = new JobSnapshot(UUID.randomUUID(), "job", "noop", Map.of(), Map.of(), List.of(), platform);
        TaskSnapshot task = new TaskSnapshot(taskId, "task-" + taskId, version, job, Map.of(), List.of(), List.of(),
                null, null, 50, null, null, null, List.of(), null);
        kafka.send(Topics.TASK_DEFINITIONS, taskId.toString(), Json.encode(TaskDefinitionChanged.of(task, Instant.now())));
    }

    private void publishRun(UUID taskId, UUID runId, RunState state, Instant finishedAt, Map<String, Object> outputs) {
        kafka.send(Topics.RUN_EVENTS, taskId.toString(), Json.encode(run(taskId, runId, state, finishedAt, outputs)));
    }

    private static RunStateChanged succeeded(UUID taskId, UUID runId, Instant finishedAt) {
        return run(taskId, runId, RunState.SUCCEEDED, finishedAt, Map.of());
    }

    private static RunStateChanged run(UUID taskId, UUID runId, RunState state, Instant finishedAt,
                                       Map<String, Object> outputs) {
        return new RunStateChanged(runId, taskId, "t", TriggerType.MANUAL, 1, null, RunState.RUNNING, state, "test",
                null, outputs, "w-1", 1, "api", null, finishedAt, finishedAt, finishedAt, finishedAt);
    }
}
