package io.polysync.task.run;

import io.polysync.model.event.RetryScheduled;
import io.polysync.model.event.RunEvent;
import io.polysync.model.event.RunStateChanged;
import io.polysync.model.event.RunWaiting;
import io.polysync.model.run.FailureReason;
import io.polysync.model.run.RunError;
import io.polysync.model.run.RunState;
import io.polysync.model.run.TriggerType;
import org.flywaydb.core.Flyway;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.jdbc.datasource.SingleConnectionDataSource;

import java.time.Clock;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The read model's JDBC on H2 in PostgreSQL mode, as the standalone jar runs it (the integration tests cover
 * PostgreSQL): array parameters, timestamps, and the {@code row_version} every write moves.
 */
class RunReadModelOnH2Test {

    private static final Instant T0 = Instant.parse("2026-11-28T10:00:00.123456Z");
    private static final Instant NOW = Instant.parse("2026-11-28T11:00:00Z");
    private static final UUID TASK = UUID.randomUUID();

    private SingleConnectionDataSource database;
    private JdbcTemplate jdbc;
    private RunReadModel readModel;

    @BeforeEach
    void migrate() {
        database = new SingleConnectionDataSource("jdbc:h2:mem:task_" + UUID.randomUUID()
                + ";MODE=PostgreSQL;DATABASE_TO_LOWER=TRUE;DB_CLOSE_DELAY=-1", "sa", "", true);
        Flyway.configure().dataSource(database).schemas("task")
                .locations("classpath:db/migration/task", "classpath:db/migration/outbox").load().migrate();
        jdbc = new JdbcTemplate(database);
        jdbc.execute("SET SCHEMA task");
        readModel = new RunReadModel(new RunRows(jdbc), Clock.fixed(NOW, ZoneOffset.UTC));
    }

    @AfterEach
    void close() {
        database.destroy();
    }

    @Test
    void foldsARunsLifeAndIgnoresItsReplay() {
        UUID run = UUID.randomUUID();
        RunStateChanged queued = changed(run, null, RunState.QUEUED, null, null, Map.of("day", "mon"));
        RunStateChanged running = changed(run, RunState.QUEUED, RunState.RUNNING, T0.plusSeconds(1), null, Map.of());

        readModel.apply(List.of(queued, running));
        readModel.apply(List.of(running, queued));

        assertThat(column(run, "state")).isEqualTo("RUNNING");
        assertThat(column(run, "parameters")).isEqualTo("{\"day\":\"mon\"}");
        assertThat(jdbc.queryForObject("SELECT started_at FROM task_run WHERE run_id = ?", OffsetDateTime.class, run)
                .toInstant()).isEqualTo(T0.plusSeconds(1));
        assertThat(column(run, "row_version")).isEqualTo(0L);
        assertThat(transitions(run)).containsExactly("QUEUED", "RUNNING");

        RunError error = RunError.retryable(FailureReason.TIMED_OUT, "took too long");
        readModel.apply(List.of(new RunStateChanged(run, TASK, "nightly", TriggerType.SCHEDULE, 1, null,
                RunState.RUNNING, RunState.FAILED, "timed out", error, null, "w-1", 3, "scheduler", null, T0,
                T0.plusSeconds(1), T0.plusSeconds(9), T0.plusSeconds(9))));

        assertThat(column(run, "state")).isEqualTo("FAILED");
        assertThat(column(run, "error_reason")).isEqualTo("TIMED_OUT");
        assertThat(column(run, "error_retryable")).isEqualTo(true);
        assertThat(column(run, "row_version")).isEqualTo(1L);
        assertThat(jdbc.queryForObject("SELECT updated_at FROM task_run WHERE run_id = ?", OffsetDateTime.class, run)
                .toInstant()).isEqualTo(NOW);
        assertThat(transitions(run)).containsExactly("QUEUED", "RUNNING", "FAILED");
    }

    @Test
    void recordsATransitionThatArrivesAfterALaterOneWithoutMovingTheStateBack() {
        UUID run = UUID.randomUUID();
        RunStateChanged queued = changed(run, null, RunState.QUEUED, null, null, Map.of());
        RunStateChanged running = changed(run, RunState.QUEUED, RunState.RUNNING, T0.plusSeconds(1), null, Map.of());
        RunStateChanged succeeded = changed(run, RunState.RUNNING, RunState.SUCCEEDED, T0.plusSeconds(1),
                T0.plusSeconds(2), Map.of());

        readModel.apply(List.of(queued, succeeded));
        readModel.apply(List.of(running, running));

        assertThat(column(run, "state")).isEqualTo("SUCCEEDED");
        assertThat(transitions(run)).containsExactlyInAnyOrder("QUEUED", "RUNNING", "SUCCEEDED");
        assertThat(jdbc.queryForObject("SELECT occurred_at FROM task_run_history WHERE run_id = ? AND state = ?",
                OffsetDateTime.class, run, "RUNNING").toInstant()).isEqualTo(T0.plusSeconds(1));
    }

    @Test
    void writesWaitingReasonsOnceAndRetriesOnBothRuns() {
        UUID run = UUID.randomUUID();
        UUID retry = UUID.randomUUID();
        RunWaiting full = new RunWaiting(run, TASK, "max concurrent runs 1 reached", T0.plusSeconds(1));
        readModel.apply(List.of(changed(run, null, RunState.QUEUED, null, null, Map.of()), full));
        readModel.apply(List.of(full));

        assertThat(column(run, "waiting_reason")).isEqualTo("max concurrent runs 1 reached");
        assertThat(jdbc.queryForObject("SELECT COUNT(*) FROM task_run_history WHERE run_id = ? AND kind = 'WAITING'",
                Integer.class, run)).isEqualTo(1);

        List<RunEvent> failedAndRetried = List.of(
                changed(run, RunState.QUEUED, RunState.FAILED, null, T0.plusSeconds(2), Map.of()),
                new RetryScheduled(run, TASK, 2, retry, T0.plusSeconds(30), T0.plusSeconds(2)),
                new RunStateChanged(retry, TASK, "nightly", TriggerType.RETRY, 2, run, null, RunState.QUEUED,
                        "retry", null, null, null, 3, "scheduler", null, T0.plusSeconds(30), null, null,
                        T0.plusSeconds(30)));
        readModel.apply(failedAndRetried);

        assertThat(column(run, "waiting_reason")).isNull();
        assertThat(column(run, "retried_by")).isEqualTo(retry);
        assertThat(column(run, "row_version")).isEqualTo(1L);
        assertThat(column(retry, "retry_of")).isEqualTo(run);
        assertThat(column(retry, "attempt")).isEqualTo(2);
        assertThat(transitions(retry)).containsExactly("QUEUED");
    }

    private Object column(UUID run, String column) {
        return jdbc.queryForObject("SELECT " + column + " FROM task_run WHERE run_id = ?", Object.class, run);
    }

    private List<String> transitions(UUID run) {
        return jdbc.queryForList("SELECT state FROM task_run_history WHERE run_id = ? AND kind = 'TRANSITION'"
                + " ORDER BY id", String.class, run);
    }

    private static RunStateChanged changed(UUID run, RunState from, RunState to, Instant startedAt,
                                           Instant finishedAt, Map<String, Object> parameters) {
        Instant at = finishedAt != null ? finishedAt : startedAt != null ? startedAt : T0;
        return new RunStateChanged(run, TASK, "nightly", TriggerType.SCHEDULE, 1, null, from, to, "because", null,
                null, "w-1", 3, "scheduler", null, T0, startedAt, finishedAt, at, parameters);
    }
}
