package io.polysync.dispatcher.metrics;

import io.polysync.dispatcher.support.H2Ledger;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.micrometer.core.instrument.search.Search;
import io.polysync.dispatcher.config.DispatcherProperties;
import org.junit.jupiter.api.Test;
import org.springframework.jdbc.core.JdbcTemplate;

import javax.sql.DataSource;
import java.sql.Timestamp;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.UUID;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The ledger gauges' grouped queries on H2 (the standalone mode's database): bands by effective priority with ageing,
 * waiting causes from the recorded reasons, permits per profile.
 */
class DispatchGaugesOnH2Test {

    private static final Instant NOW = Instant.parse("2026-11-28T10:00:00Z");

    private final SimpleMeterRegistry meters = new SimpleMeterRegistry();

    @Test
    void countsQueuedRunsPerBandOfEffectivePriorityAndWaitingRunsPerCause() {
        DataSource dataSource = H2Ledger.migrated("dispatcher_gauges");
        JdbcTemplate jdbc = new JdbcTemplate(dataSource);
        // ageing 1 point a minute: 25 minutes lift priority 50 to 75 (high), 1 minute to 51 (still normal)
        insert(jdbc, 50, "QUEUED", null, NOW.minus(Duration.ofMinutes(25)), "profile api: 2 of 2 in use");
        insert(jdbc, 50, "QUEUED", null, NOW.minus(Duration.ofMinutes(1)),
                "profile api: rate 3/min reached, next slot at 2026-11-28T10:00:20Z");
        insert(jdbc, 10, "QUEUED", null, NOW.minus(Duration.ofMinutes(1)), "max concurrent runs 1 reached");
        insert(jdbc, 80, "QUEUED", "HIGH", NOW.minus(Duration.ofMinutes(2)), null);
        insert(jdbc, 50, "RUNNING", "NORMAL", NOW.minus(Duration.ofMinutes(3)), null);
        insert(jdbc, 50, "SUCCEEDED", "NORMAL", NOW.minus(Duration.ofHours(3)), null);
        jdbc.update("INSERT INTO contention_profile (name, max_concurrent, version) VALUES ('api', 2, 1)");
        jdbc.update("INSERT INTO contention_profile (name, version) VALUES ('unlimited', 1)");
        jdbc.update("INSERT INTO profile_permit (profile_name, run_id, taken_at) VALUES ('api', ?, ?)",
                UUID.randomUUID(), Timestamp.from(NOW));
        DispatchGauges gauges = new DispatchGauges(jdbc,
                new DispatcherProperties(70, 30, 1.0, Duration.ofSeconds(1), Duration.ofMinutes(2),
                        Duration.ofSeconds(30), Duration.ofSeconds(5)),
                new ProfileWaits(meters), meters, Clock.fixed(NOW, ZoneOffset.UTC));

        gauges.refresh();

        assertThat(gauge("polysync.runs.active", "state", "QUEUED")).isEqualTo(4);
        assertThat(gauge("polysync.runs.active", "state", "RUNNING")).isEqualTo(1);
        assertThat(gauge("polysync.dispatch.queue.depth", "band", "high")).isEqualTo(2);
        assertThat(gauge("polysync.dispatch.queue.depth", "band", "normal")).isEqualTo(1);
        assertThat(gauge("polysync.dispatch.queue.depth", "band", "low")).isEqualTo(1);
        assertThat(gauge("polysync.dispatch.queue.oldest.age", "band", "high")).isEqualTo(25 * 60);
        assertThat(gauge("polysync.dispatch.queue.oldest.age", "band", "normal")).isEqualTo(60);
        assertThat(gauge("polysync.dispatch.waiting", "cause", "TASK_LIMIT")).isEqualTo(1);
        assertThat(gauge("polysync.dispatch.waiting", "cause", "PROFILE_LIMIT")).isEqualTo(1);
        assertThat(gauge("polysync.dispatch.waiting", "cause", "RATE_LIMIT")).isEqualTo(1);
        assertThat(gauge("polysync.profile.permits.in.use", "profile", "api")).isEqualTo(1);
        assertThat(gauge("polysync.profile.permits.in.use", "profile", "unlimited")).isZero();
        assertThat(gauge("polysync.profile.permits.limit", "profile", "api")).isEqualTo(2);
        assertThat(meters.find("polysync.profile.permits.limit").tag("profile", "unlimited").gauge()).isNull();
        assertThat(meters.find("polysync.profile.waits").counters()).hasSize(2);
    }

    private static void insert(JdbcTemplate jdbc, int priority, String state, String band, Instant queuedAt,
                               String waitingReason) {
        UUID id = UUID.randomUUID();
        jdbc.update("INSERT INTO task_run (run_id, trigger_id, task_id, task_name, trigger_type, attempt,"
                        + " definition_version, priority, band, parameters, state, queued_at, admitted_at,"
                        + " waiting_reason, version) VALUES (?, ?, ?, 't', 'MANUAL', 1, 1, ?, ?, '{}', ?, ?, ?, ?, 0)",
                id, id, UUID.randomUUID(), priority, band, state, Timestamp.from(queuedAt),
                band == null ? null : Timestamp.from(queuedAt), waitingReason);
    }

    private double gauge(String name, String key, String value) {
        return Search.in(meters).name(name).tag(key, value).gauge().value();
    }
}
