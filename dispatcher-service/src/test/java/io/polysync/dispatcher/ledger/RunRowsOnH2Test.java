package io.polysync.dispatcher.ledger;

import io.polysync.dispatcher.support.H2Ledger;
import io.polysync.model.event.TriggerRequested;
import io.polysync.model.run.RunState;
import io.polysync.model.task.TaskSnapshot;
import org.junit.jupiter.api.Test;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.jdbc.datasource.DataSourceTransactionManager;
import org.springframework.transaction.support.TransactionTemplate;

import javax.sql.DataSource;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import static io.polysync.dispatcher.support.Fixtures.aTask;
import static io.polysync.dispatcher.support.Fixtures.aTriggerOf;
import static org.assertj.core.api.Assertions.assertThat;

/** The standalone mode runs on H2 in PostgreSQL mode: the hot path's run statements must work there as well. */
class RunRowsOnH2Test {

    @Test
    void newRunsAreInsertedAtCommitAndReportedChangesWrittenBack() {
        DataSource dataSource = H2Ledger.migrated("dispatcher_run_rows");
        RunRows rows = new RunRows(new JdbcTemplate(dataSource));
        TransactionTemplate tx = new TransactionTemplate(new DataSourceTransactionManager(dataSource));
        TaskSnapshot task = aTask().build();
        TriggerRequested trigger = aTriggerOf(task, "h2").build();
        Instant now = Instant.parse("2026-11-28T10:00:00.123456Z");

        tx.executeWithoutResult(status -> rows.insertLater(
                TaskRun.queued(trigger, 3, 70, "http", Map.of("a", 1), now)));
        TaskRun started = tx.execute(status -> {
            List<TaskRun> locked = rows.lockAll(List.of(trigger.runId(), UUID.randomUUID()));
            TaskRun run = locked.get(0);
            run.start("w-1", now.plusSeconds(1), now.plusSeconds(2));
            rows.writeReported(List.of(run));
            return run;
        });
        TaskRun read = tx.execute(status -> rows.lock(trigger.runId()).orElseThrow());

        assertThat(started.version()).isEqualTo(1L);
        assertThat(read.state()).isEqualTo(RunState.RUNNING);
        assertThat(read.claimedBy()).isEqualTo("w-1");
        assertThat(read.startedAt()).isEqualTo(now.plusSeconds(1));
        assertThat(read.lastHeartbeatAt()).isEqualTo(now.plusSeconds(2));
        assertThat(read.taskId()).isEqualTo(task.taskId());
        assertThat(read.definitionVersion()).isEqualTo(3);
        assertThat(read.priority()).isEqualTo(70);
        assertThat(read.jobType()).isEqualTo("http");
        assertThat(read.parameters()).isEqualTo(Map.of("a", 1));
        assertThat(read.queuedAt()).isEqualTo(started.queuedAt());
        assertThat(read.version()).isEqualTo(1L);
    }
}
