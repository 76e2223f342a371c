package io.polysync.scheduler.retry;

import io.polysync.scheduler.support.H2Scheduler;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.jdbc.datasource.DataSourceTransactionManager;
import org.springframework.transaction.support.TransactionTemplate;

import javax.sql.DataSource;
import java.time.Instant;
import java.util.List;
import java.util.UUID;
import java.util.function.Supplier;

import static org.assertj.core.api.Assertions.assertThat;

/** The standalone mode runs on H2 in PostgreSQL mode: the retry SQL must work there as on PostgreSQL. */
class PendingRetryStoreOnH2Test {

    private static final Instant NOW = Instant.parse("2026-11-28T10:00:00.123456Z");

    private PendingRetryStore store;
    private TransactionTemplate tx;

    @BeforeEach
    void migrate() {
        DataSource dataSource = H2Scheduler.migrated("scheduler_retries");
        store = new PendingRetryStore(new JdbcTemplate(dataSource));
        tx = new TransactionTemplate(new DataSourceTransactionManager(dataSource));
        tx.executeWithoutResult(s -> store.markPublished(store.claimDue(NOW.plusSeconds(86_400), 1000), NOW));
    }

    @Test
    void claimsOnlyDueRetriesEarliestFirst() {
        PendingRetry later = retry(NOW.plusSeconds(5));
        PendingRetry due = retry(NOW);
        PendingRetry overdue = retry(NOW.minusSeconds(5));
        tx.executeWithoutResult(s -> store.insertAll(List.of(later, due, overdue), NOW));

        UUID unknown = UUID.randomUUID();
        assertThat(inTx(() -> store.existing(List.of(due.failedRunId(), unknown, later.failedRunId()))))
                .containsExactlyInAnyOrder(due.failedRunId(), later.failedRunId());
        assertThat(inTx(() -> store.existing(List.of()))).isEmpty();
        assertThat(inTx(() -> store.summary())).isEqualTo(new PendingRetryStore.Summary(3, overdue.dueAt()));
        tx.executeWithoutResult(s -> {
            assertThat(store.claimDue(NOW, 10)).containsExactly(overdue, due);
            store.markPublished(store.claimDue(NOW, 1), NOW);
        });
        assertThat(inTx(() -> store.claimDue(NOW, 10))).containsExactly(due);
        assertThat(inTx(() -> store.summary())).isEqualTo(new PendingRetryStore.Summary(2, due.dueAt()));
        // still known after it was published, so a replayed failure of that run schedules nothing again
        assertThat(inTx(() -> store.existing(List.of(overdue.failedRunId())))).containsExactly(overdue.failedRunId());
        assertThat(inTx(() -> store.prunePublished(NOW.minusSeconds(1)))).isZero();
        assertThat(inTx(() -> store.prunePublished(NOW.plusSeconds(1)))).isPositive();
        assertThat(inTx(() -> store.existing(List.of(overdue.failedRunId())))).isEmpty();
    }

    private static PendingRetry retry(Instant dueAt) {
        UUID taskId = UUID.randomUUID();
        UUID failed = UUID.randomUUID();
        return new PendingRetry(failed, taskId, "task", 2, PendingRetry.retryRunIdOf(taskId, failed), 3, dueAt);
    }

    private <T> T inTx(Supplier<T> work) {
        return tx.execute(status -> work.get());
    }
}
