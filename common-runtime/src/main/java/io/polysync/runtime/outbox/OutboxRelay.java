package io.polysync.runtime.outbox;

import io.polysync.runtime.RuntimeProperties;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.context.SmartLifecycle;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.kafka.core.KafkaTemplate;
import org.springframework.kafka.support.SendResult;
import org.springframework.transaction.support.TransactionTemplate;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;

/**
 * Publishes outbox rows to Kafka after their transaction committed, oldest first, in batches, and deletes them once
 * the broker acknowledged every record of the batch. A batch whose send fails stays in the table and is sent again:
 * delivery is at least once, and every consumer deduplicates by the ids the events carry.
 *
 * <p>Rows are claimed with {@code FOR UPDATE SKIP LOCKED}, so replicas sharing a schema never publish one row twice
 * at the same time, and one replica keeps the commit order of its rows.
 */
public class OutboxRelay implements SmartLifecycle {

    private static final Logger log = LoggerFactory.getLogger(OutboxRelay.class);

    private final JdbcTemplate jdbc;
    private final TransactionTemplate tx;
    private final KafkaTemplate<String, String> kafka;
    private final RuntimeProperties.Outbox settings;
    private final OutboxMetrics metrics;
    private final String claimSql;
    private final ReentrantLock lock = new ReentrantLock();
    private final Condition wakeUp = lock.newCondition();
    private boolean woken;
    private volatile boolean running;
    private Thread thread;

    public OutboxRelay(JdbcTemplate jdbc, TransactionTemplate tx, KafkaTemplate<String, String> kafka,
                       RuntimeProperties.Outbox settings, OutboxMetrics metrics) {
        this.jdbc = jdbc;
        this.tx = tx;
        this.kafka = kafka;
        this.settings = settings;
        this.metrics = metrics;
        this.claimSql = "SELECT id, topic, record_key, payload FROM outbox ORDER BY id FETCH FIRST "
                + settings.batchSize() + " ROWS ONLY FOR UPDATE SKIP LOCKED";
    }

    /** Asks the relay to publish now; called after every commit that wrote the outbox. */
    public void wake() {
        lock.lock();
        try {
            woken = true;
            wakeUp.signal();
        } finally {
            lock.unlock();
        }
    }

    /**
     * Publishes one batch and reports how many rows it sent. The relay thread calls it in a loop; tests call it to
     * drain the outbox deterministically.
     */
    public int publishBatch() {
        Integer sent = tx.execute(status -> {
            List<Row> rows = jdbc.query(claimSql, (rs, i) ->
                    new Row(rs.getLong(1), rs.getString(2), rs.getString(3), rs.getString(4)));
            if (rows.isEmpty()) {
                return 0;
            }
            List<CompletableFuture<SendResult<String, String>>> acks = new ArrayList<>(rows.size());
            for (Row row : rows) {
                acks.add(kafka.send(row.topic(), row.key(), row.payload()));
            }
            try {
                CompletableFuture.allOf(acks.toArray(CompletableFuture[]::new))
                        .get(settings.sendTimeout().toMillis(), TimeUnit.MILLISECONDS);
            } catch (Exception e) {
                throw new OutboxPublishException("publishing " + rows.size() + " outbox rows failed", e);
            }
            List<Object[]> ids = rows.stream().map(r -> new Object[] {r.id()}).toList();
            jdbc.batchUpdate("DELETE FROM outbox WHERE id = ?", ids);
            return rows.size();
        });
        int count = sent == null ? 0 : sent;
        metrics.published(count);
        return count;
    }

    @Override
    public void start() {
        if (!settings.enabled()) {
            log.warn("outbox relay disabled: events stay in the outbox table");
            return;
        }
        running = true;
        thread = new Thread(this::loop, "outbox-relay");
        thread.setDaemon(true);
        thread.start();
    }

    @Override
    public void stop() {
        running = false;
        wake();
        if (thread != null) {
            try {
                thread.join(settings.sendTimeout().toMillis());
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }

    @Override
    public boolean isRunning() {
        return running;
    }

    /** Start after the Kafka listeners (so a restart replays its backlog soon) and stop after them. */
    @Override
    public int getPhase() {
        return Integer.MAX_VALUE - 100;
    }

    private void loop() {
        long failures = 0;
        while (running) {
            try {
                int sent = publishBatch();
                failures = 0;
                if (sent < settings.batchSize()) {
                    awaitWakeUp(settings.sweepInterval().toMillis());
                }
            } catch (RuntimeException e) {
                failures++;
                if (running) {
                    log.warn("outbox relay failed ({} in a row), retrying: {}", failures, e.toString());
                    awaitWakeUp(Math.min(settings.sweepInterval().toMillis() * failures, 10_000));
                }
            }
        }
    }

    private void awaitWakeUp(long millis) {
        lock.lock();
        try {
            if (!woken) {
                wakeUp.await(millis, TimeUnit.MILLISECONDS);
            }
            woken = false;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            running = false;
        } finally {
            lock.unlock();
        }
    }

    private record Row(long id, String topic, String key, String payload) {
    }

    /** A batch the broker did not acknowledge in time; its rows stay and are sent again. */
    public static class OutboxPublishException extends RuntimeException {
        OutboxPublishException(String message, Throwable cause) {
            super(message, cause);
        }
    }
}
