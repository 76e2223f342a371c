package io.polysync.runtime.outbox;

import io.polysync.model.Json;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.transaction.support.TransactionSynchronization;
import org.springframework.transaction.support.TransactionSynchronizationManager;

import java.sql.Timestamp;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;

/**
 * Writes events into the outbox table inside the caller's transaction, so the state change and the event it implies
 * commit together or not at all (DESIGN.md section 7, invariant 6). The {@link OutboxRelay} publishes them after
 * commit; a commit wakes it at once, and its sweep finds whatever a crash left behind.
 */
public class Outbox {

    private static final String INSERT =
            "INSERT INTO outbox (topic, record_key, payload, created_at) VALUES (?, ?, ?, ?)";

    private final JdbcTemplate jdbc;
    private final OutboxRelay relay;
    private final Clock clock;

    public Outbox(JdbcTemplate jdbc, OutboxRelay relay, Clock clock) {
        this.jdbc = jdbc;
        this.relay = relay;
        this.clock = clock;
    }

    /** Appends one record. Must be called inside a transaction: an event outside one could outlive a rollback. */
    public void append(String topic, String key, Object event) {
        appendAll(List.of(new OutboxRecord(topic, key, event)));
    }

    /** Appends several records in one JDBC batch, in order. */
    public void appendAll(List<OutboxRecord> records) {
        if (records.isEmpty()) {
            return;
        }
        if (!TransactionSynchronizationManager.isActualTransactionActive()) {
            throw new IllegalStateException("the outbox is written only inside a transaction");
        }
        Timestamp now = Timestamp.from(clock.instant());
        List<Object[]> rows = new ArrayList<>(records.size());
        for (OutboxRecord r : records) {
            rows.add(new Object[] {r.topic(), r.key(), r.event() == null ? null : Json.encode(r.event()), now});
        }
        jdbc.batchUpdate(INSERT, rows);
        TransactionSynchronizationManager.registerSynchronization(new TransactionSynchronization() {
            @Override
            public void afterCommit() {
                relay.wake();
            }
        });
    }
}
