package io.polysync.task.run;

import io.micrometer.core.instrument.DistributionSummary;
import io.micrometer.core.instrument.MeterRegistry;
import io.polysync.model.Topics;
import io.polysync.model.id.Ids;
import io.polysync.model.run.TriggerType;
import io.polysync.runtime.outbox.OutboxRelay;
import io.polysync.runtime.testing.TopicProbe;
import io.polysync.task.support.Api;
import io.polysync.task.support.IntegrationTest;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;

import javax.sql.DataSource;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.Timestamp;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Run Once requests that queue while both acceptors wait share a transaction, and each still gets its own answer.
 * The acceptors are held deterministically: a transaction of the test inserts the runs of their requests first, so
 * their inserts wait for it until the test rolls it back.
 */
class RunOnceBatchesIT extends IntegrationTest {

    private static final int ACCEPTORS = 2;

    @Autowired
    private DataSource dataSource;

    @Autowired
    private MeterRegistry meters;

    @Autowired
    private OutboxRelay relay;

    private final ExecutorService clients = Executors.newFixedThreadPool(32);

    @AfterEach
    void stopClients() {
        clients.shutdownNow();
    }

    @Test
    void requestsQueuedBehindACommitShareOneTransactionAndEachGetsItsOwnAnswer() throws Exception {
        String task = unique("batched");
        UUID taskId = createNoopTask(task, List.of());
        String path = "/api/v1/tasks/" + task + "/runs";
        double batchesBefore = batches().count();
        double acceptedBefore = batches().totalAmount();

        Map<String, CompletableFuture<Api.Response>> answers = new LinkedHashMap<>();
        try (Held held = hold(taskId, task, path)) {
            for (int i = 0; i < 8; i++) {
                answers.put("new-" + i, post(path, Map.of("idempotencyKey", "new-" + i)));
            }
            for (int i = 0; i < 5; i++) {
                answers.put("twice-" + i + "-a", post(path, Map.of("idempotencyKey", "twice-" + i)));
                answers.put("twice-" + i + "-b", post(path, Map.of("idempotencyKey", "twice-" + i)));
            }
            answers.put("unknown", post("/api/v1/tasks/" + unique("nosuch") + "/runs", Map.of("idempotencyKey", "u")));
            answers.put("invalid", post(path, Map.of("idempotencyKey", "invalid",
                    "parameters", Map.of("sleepMillis", "slow"))));
            awaitQueued(20);
            held.release();
            answers.putAll(held.answers());
        }

        for (int i = 0; i < 8; i++) {
            assertAccepted(answers.get("new-" + i), taskId, "new-" + i);
        }
        for (int i = 0; i < 5; i++) {
            assertAccepted(answers.get("twice-" + i + "-a"), taskId, "twice-" + i);
            assertAccepted(answers.get("twice-" + i + "-b"), taskId, "twice-" + i);
        }
        assertAccepted(answers.get("held-1"), taskId, "held-1");
        assertAccepted(answers.get("held-2"), taskId, "held-2");
        assertThat(answers.get("unknown").get().status()).isEqualTo(404);
        Api.Response invalid = answers.get("invalid").get();
        assertThat(invalid.status()).as(invalid.text()).isEqualTo(400);
        assertThat(invalid.errorFields()).containsExactly("parameters.sleepMillis");

        // 2 held + 8 new + 5 keys used twice: one run, one QUEUED entry and one trigger each
        assertThat(jdbc.queryForObject("SELECT COUNT(*) FROM task_run WHERE task_id = ?", Integer.class, taskId))
                .isEqualTo(15);
        assertThat(jdbc.queryForObject("SELECT COUNT(*) FROM task_run_history h JOIN task_run r "
                + "ON r.run_id = h.run_id WHERE r.task_id = ?", Integer.class, taskId)).isEqualTo(15);
        TopicProbe.await(Topics.TRIGGERS, r -> r.value().contains(runId(taskId, "twice-4").toString()));
        while (relay.publishBatch() > 0) {
            // drain whatever is still in the outbox, so the count below is final
        }
        assertThat(TopicProbe.readAll(Topics.TRIGGERS)).filteredOn(r -> r.value().contains(taskId.toString()))
                .hasSize(15);

        // the 20 queued requests went through at most one transaction per acceptor
        assertThat(batches().totalAmount() - acceptedBefore).isEqualTo(22);
        assertThat(batches().count() - batchesBefore).isLessThanOrEqualTo(ACCEPTORS + ACCEPTORS);
    }

    @Test
    void aRequestThatFailsItsSharedTransactionFailsAloneAndTheOthersAreAccepted() throws Exception {
        String task = unique("poisoned");
        UUID taskId = createNoopTask(task, List.of());
        String path = "/api/v1/tasks/" + task + "/runs";
        UUID poisoned = runId(taskId, "poison");
        jdbc.execute("CREATE FUNCTION poison_run() RETURNS trigger AS $$ BEGIN IF NEW.run_id = '" + poisoned
                + "' THEN RAISE EXCEPTION 'poisoned run'; END IF; RETURN NEW; END $$ LANGUAGE plpgsql");
        jdbc.execute("CREATE TRIGGER poison BEFORE INSERT ON task_run FOR EACH ROW EXECUTE FUNCTION poison_run()");
        try {
            Map<String, CompletableFuture<Api.Response>> answers = new LinkedHashMap<>();
            try (Held held = hold(taskId, task, path)) {
                answers.put("good-1", post(path, Map.of("idempotencyKey", "good-1")));
                answers.put("poison", post(path, Map.of("idempotencyKey", "poison")));
                answers.put("good-2", post(path, Map.of("idempotencyKey", "good-2")));
                awaitQueued(3);
                held.release();
                answers.putAll(held.answers());
            }

            assertAccepted(answers.get("good-1"), taskId, "good-1");
            assertAccepted(answers.get("good-2"), taskId, "good-2");
            assertAccepted(answers.get("held-1"), taskId, "held-1");
            assertAccepted(answers.get("held-2"), taskId, "held-2");
            Api.Response failed = answers.get("poison").get();
            assertThat(failed.status()).as(failed.text()).isEqualTo(500);
            assertThat(jdbc.queryForObject("SELECT COUNT(*) FROM task_run WHERE run_id = ?", Integer.class,
                    poisoned)).isZero();
            assertThat(jdbc.queryForObject("SELECT COUNT(*) FROM task_run WHERE task_id = ?", Integer.class, taskId))
                    .isEqualTo(4);
        } finally {
            jdbc.execute("DROP TRIGGER poison ON task_run");
            jdbc.execute("DROP FUNCTION poison_run()");
        }
    }

    /**
     * Occupies every acceptor: the runs of two requests are inserted by a transaction of the test first, so each
     * acceptor waits in its insert until {@link Held#release()} rolls that transaction back.
     */
    private Held hold(UUID taskId, String task, String path) throws Exception {
        Connection connection = dataSource.getConnection();
        connection.setAutoCommit(false);
        Map<String, CompletableFuture<Api.Response>> held = new LinkedHashMap<>();
        try (PreparedStatement insert = connection.prepareStatement("INSERT INTO task_run (run_id, task_id, "
                + "task_name, state, trigger_type, attempt, queued_at, outputs, requested_by, definition_version, "
                + "updated_at, row_version) VALUES (?, ?, ?, 'QUEUED', 'MANUAL', 1, ?, '{}', 'test', 1, ?, 0)")) {
            for (int i = 1; i <= ACCEPTORS; i++) {
                Timestamp now = Timestamp.from(Instant.now());
                insert.setObject(1, runId(taskId, "held-" + i));
                insert.setObject(2, taskId);
                insert.setString(3, task);
                insert.setTimestamp(4, now);
                insert.setTimestamp(5, now);
                insert.executeUpdate();
            }
            for (int i = 1; i <= ACCEPTORS; i++) {
                // one at a time: requests sent together would be taken by one acceptor, in one batch
                held.put("held-" + i, post(path, Map.of("idempotencyKey", "held-" + i)));
                int waiting = i;
                await().atMost(Duration.ofSeconds(20)).until(() -> jdbc.queryForObject("SELECT COUNT(*) FROM "
                        + "pg_stat_activity WHERE wait_event_type = 'Lock' AND datname = current_database() "
                        + "AND query LIKE 'INSERT INTO task_run %'", Integer.class) == waiting);
            }
        } catch (Exception e) {
            connection.rollback();
            connection.close();
            throw e;
        }
        return new Held(connection, held);
    }

    private record Held(Connection connection, Map<String, CompletableFuture<Api.Response>> answers)
            implements AutoCloseable {

        void release() throws Exception {
            connection.rollback();
        }

        @Override
        public void close() throws Exception {
            connection.rollback();
            connection.close();
        }
    }

    private void awaitQueued(int requests) {
        await().atMost(Duration.ofSeconds(20)).until(() ->
                meters.get("polysync.task.run.once.queued").gauge().value() == requests);
    }

    private CompletableFuture<Api.Response> post(String path, Map<String, Object> body) {
        return CompletableFuture.supplyAsync(() -> api.post(path, json(body)), clients);
    }

    private static void assertAccepted(CompletableFuture<Api.Response> answer, UUID taskId, String key)
            throws Exception {
        Api.Response response = answer.get();
        assertThat(response.status()).as(key + ": " + response.text()).isEqualTo(202);
        assertThat(response.body().path("runId").asString()).isEqualTo(runId(taskId, key).toString());
    }

    private static UUID runId(UUID taskId, String key) {
        return Ids.runId(Ids.triggerId(taskId, TriggerType.MANUAL, key));
    }

    private DistributionSummary batches() {
        return meters.get("polysync.task.run.once.batch").summary();
    }
}
