package io.polysync.runtime.outbox;

import io.polysync.runtime.PeriodicTimer;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import org.springframework.context.SmartLifecycle;
import org.springframework.jdbc.core.JdbcTemplate;

import java.sql.Timestamp;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;

/**
 * The outbox as operators watch it: rows not yet published and the age of the oldest (one query on a timer, never
 * per append), and records the relay published. The age is computed when scraped, so it keeps growing between
 * refreshes while the relay is stuck.
 */
public class OutboxMetrics implements SmartLifecycle {


    private final JdbcTemplate jdbc;
    private final Clock clock;
    private final Duration interval;
    private final Counter published;
    private final AtomicLong backlog = new AtomicLong();
    private final AtomicReference<Instant> oldest = new AtomicReference<>();
    private final PeriodicTimer timer = new PeriodicTimer("outbox-metrics", this::refresh);

    public OutboxMetrics(JdbcTemplate jdbc, Clock clock, Duration interval, MeterRegistry meters) {
        this.jdbc = jdbc;
        this.clock = clock;
        this.interval = interval;
        Gauge.builder("polysync.outbox.backlog", backlog, AtomicLong::get)
                .description("Outbox rows not yet published")
                .register(meters);
        Gauge.builder("polysync.outbox.oldest.age", this, OutboxMetrics::oldestAgeSeconds)
                .description("Age of the oldest unpublished outbox row; 0 when the outbox is empty")
                .baseUnit("seconds")
                .register(meters);
        this.published = Counter.builder("polysync.outbox.published")
                .description("Records the outbox relay published")
                .register(meters);
    }

    void published(int records) {
        if (records > 0) {
            published.increment(records);
        }
    }

    /** Reads the backlog now; the timer calls it, tests too. */
    public void refresh() {
        jdbc.query("SELECT COUNT(*), MIN(created_at) FROM outbox", rs -> {
            backlog.set(rs.getLong(1));
            Timestamp min = rs.getTimestamp(2);
            oldest.set(min == null ? null : min.toInstant());
        });
    }

    double oldestAgeSeconds() {
        Instant first = oldest.get();
        if (first == null) {
            return 0;
        }
        return Math.max(0, Duration.between(first, clock.instant()).toMillis() / 1000.0);
    }

    @Override
    public void start() {
        timer.start(Duration.ZERO, interval);
    }

    @Override
    public void stop() {
        timer.stop();
    }

    @Override
    public boolean isRunning() {
        return timer.isRunning();
    }
}
