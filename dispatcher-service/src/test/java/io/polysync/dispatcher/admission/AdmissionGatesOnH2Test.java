package io.polysync.dispatcher.admission;

import io.polysync.dispatcher.support.H2Ledger;
import io.polysync.model.task.ContentionProfileSnapshot;
import io.polysync.model.task.ContentionProfileSnapshot.RateLimit;
import org.junit.jupiter.api.Test;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.jdbc.datasource.DataSourceTransactionManager;
import org.springframework.transaction.support.TransactionTemplate;

import javax.sql.DataSource;
import java.time.Duration;
import java.sql.Timestamp;
import java.time.Instant;
import java.util.List;
import java.util.UUID;

import static org.assertj.core.api.Assertions.assertThat;

/** The standalone mode runs on H2 in PostgreSQL mode: the admission statements must work there as well. */
class AdmissionGatesOnH2Test {

    @Test
    void limitsPermitsAndAdmissionStampsWorkOnH2() {
        DataSource dataSource = H2Ledger.migrated("dispatcher_gates");
        AdmissionGates gates = new AdmissionGates(new JdbcTemplate(dataSource));
        Instant now = Instant.parse("2026-11-28T10:00:00Z");
        UUID run = UUID.randomUUID();

        gates.recordLimits(List.of(new ContentionProfileSnapshot("api", 2, new RateLimit(3, Duration.ofMinutes(1)), 2)));
        gates.recordLimits(List.of(new ContentionProfileSnapshot("api", 9, null, 1)));
        gates.lockTask(UUID.randomUUID());
        AdmissionDecision.ProfileState api = gates.state(gates.lockProfile("api"), now);
        AdmissionDecision.ProfileState unknown = gates.state(gates.lockProfile("not-yet-seen"), now);

        assertThat(api.maxConcurrent()).isEqualTo(2);
        assertThat(api.rateLimit()).isEqualTo(new RateLimit(3, Duration.ofMinutes(1)));
        assertThat(unknown.maxConcurrent()).isNull();
        assertThat(unknown.rateLimit()).isNull();

        gates.take(run, List.of(api, unknown), now);
        AdmissionDecision.ProfileState taken = gates.state(gates.lockProfile("api"), now.plusSeconds(1));
        assertThat(taken.inUse()).isEqualTo(1);
        assertThat(taken.admissions()).containsExactly(now);
        assertThat(gates.release(List.of(run))).isEqualTo(2);
        assertThat(gates.state(gates.lockProfile("api"), now.plusSeconds(61)).admissions()).isEmpty();
    }

    @Test
    void manyTasksAreLockedTogetherAndTheirRowsMadeOnce() {
        DataSource dataSource = H2Ledger.migrated("dispatcher_task_locks");
        JdbcTemplate jdbc = new JdbcTemplate(dataSource);
        AdmissionGates gates = new AdmissionGates(jdbc);
        TransactionTemplate tx = new TransactionTemplate(new DataSourceTransactionManager(dataSource));
        UUID known = UUID.randomUUID();
        UUID fresh = UUID.randomUUID();
        tx.executeWithoutResult(status -> gates.lockTask(known));

        tx.executeWithoutResult(status -> gates.lockTasks(List.of(fresh, known, fresh)));
        tx.executeWithoutResult(status -> gates.lockTasks(List.of(known, fresh)));

        assertThat(jdbc.queryForList("SELECT task_id FROM admission_task", UUID.class))
                .containsExactlyInAnyOrder(known, fresh);
    }

    @Test
    void runsWaitingForATaskOrAProfileAreFoundByPriorityOnH2() {
        DataSource dataSource = H2Ledger.migrated("dispatcher_waiting");
        JdbcTemplate jdbc = new JdbcTemplate(dataSource);
        AdmissionGates gates = new AdmissionGates(jdbc);
        Instant now = Instant.parse("2026-11-28T10:00:00Z");
        UUID task = UUID.randomUUID();
        UUID self = insertRun(jdbc, task, 50, now, null, "QUEUED");
        insertRun(jdbc, task, 50, now.minusSeconds(20), null, "QUEUED");
        insertRun(jdbc, task, 50, now.minusSeconds(10), null, "QUEUED");
        insertRun(jdbc, task, 70, now.minusSeconds(5), "api", "QUEUED");
        insertRun(jdbc, UUID.randomUUID(), 30, now.minusSeconds(30), "api", "QUEUED");
        insertRun(jdbc, UUID.randomUUID(), 90, now.minusSeconds(40), "api", "CANCELLED");

        assertThat(gates.waitingForTask(task, self))
                .containsExactly(new WaitingOrder.Waiting(null, 50, now.minusSeconds(20)));
        assertThat(gates.waitingForProfile("api", self)).containsExactlyInAnyOrder(
                new WaitingOrder.Waiting(null, 70, now.minusSeconds(5)),
                new WaitingOrder.Waiting(null, 30, now.minusSeconds(30)));
        assertThat(gates.waitingForProfile("other", self)).isEmpty();
    }

    private static UUID insertRun(JdbcTemplate jdbc, UUID task, int priority, Instant queuedAt, String profile,
                                  String state) {
        UUID run = UUID.randomUUID();
        jdbc.update("INSERT INTO task_run (run_id, trigger_id, task_id, task_name, trigger_type, attempt,"
                        + " definition_version, priority, parameters, state, queued_at, version, waiting_profile)"
                        + " VALUES (?, ?, ?, 'task', 'MANUAL', 1, 1, ?, '{}', ?, ?, 0, ?)",
                run, UUID.randomUUID(), task, priority, state, Timestamp.from(queuedAt), profile);
        return run;
    }
}
