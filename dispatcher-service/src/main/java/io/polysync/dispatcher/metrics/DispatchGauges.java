package io.polysync.dispatcher.metrics;

import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.MeterRegistry;
import io.polysync.dispatcher.config.DispatcherProperties;
import io.polysync.model.run.Band;
import io.polysync.runtime.PeriodicTimer;
import org.springframework.context.SmartLifecycle;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.stereotype.Component;

import java.sql.Timestamp;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;

/**
 * The ledger's current shape as gauges: non-terminal runs, the QUEUED runs and the age of the oldest per band, waiting
 * runs by what they wait for, contention permits in use and their limits. Read with a few grouped queries every
 * {@code polysync.dispatcher.metrics-interval}, never per run, so the hot path pays nothing; every replica reports
 * the same ledger-wide values. Ages are computed when scraped.
 *
 * <p>A run admitted but not started counts in the band it was dispatched to; a waiting run in the band its effective
 * priority (priority plus ageing, {@code WaitingOrder}) would give it if admitted now.
 */
@Component
public class DispatchGauges implements SmartLifecycle {

    /** What a waiting run waits for, from the reason admission recorded. */
    enum Cause { TASK_LIMIT, PROFILE_LIMIT, RATE_LIMIT }

    private static final int MAX_PRIORITY = 100;

    private static final String WAITING_BY_CAUSE = """
            SELECT cause, COUNT(*) FROM (
                SELECT CASE WHEN waiting_reason LIKE 'max concurrent runs%' THEN 'TASK_LIMIT'
                            WHEN waiting_reason LIKE 'profile %: rate %' THEN 'RATE_LIMIT'
                            WHEN waiting_reason LIKE 'profile %' THEN 'PROFILE_LIMIT'
                            ELSE 'OTHER' END AS cause
                FROM task_run WHERE state = 'QUEUED' AND admitted_at IS NULL AND waiting_reason IS NOT NULL) w
            GROUP BY cause""";

    private final JdbcTemplate jdbc;
    private final DispatcherProperties properties;
    private final ProfileWaits profileWaits;
    private final MeterRegistry meters;
    private final Clock clock;
    private final AtomicLong queued = new AtomicLong();
    private final AtomicLong running = new AtomicLong();
    private final Map<Band, AtomicLong> depth = new EnumMap<>(Band.class);
    private final Map<Band, AtomicReference<Instant>> oldest = new EnumMap<>(Band.class);
    private final Map<Cause, AtomicLong> waiting = new EnumMap<>(Cause.class);
    private final Map<String, AtomicLong> permitsInUse = new ConcurrentHashMap<>();
    private final Map<String, AtomicLong> permitLimits = new ConcurrentHashMap<>();
    private final Map<String, Meter> limitGauges = new ConcurrentHashMap<>();
    private final PeriodicTimer timer = new PeriodicTimer("dispatch-gauges", this::refresh);

    public DispatchGauges(JdbcTemplate jdbc, DispatcherProperties properties, ProfileWaits profileWaits,
                          MeterRegistry meters, Clock clock) {
        this.jdbc = jdbc;
        this.properties = properties;
        this.profileWaits = profileWaits;
        this.meters = meters;
        this.clock = clock;
        Gauge.builder("polysync.runs.active", queued, AtomicLong::get)
                .description("Non-terminal runs in the ledger").tag("state", "QUEUED").register(meters);
        Gauge.builder("polysync.runs.active", running, AtomicLong::get)
                .description("Non-terminal runs in the ledger").tag("state", "RUNNING").register(meters);
        for (Band band : Band.values()) {
            String tag = band.name().toLowerCase(Locale.ROOT);
            AtomicLong count = new AtomicLong();
            AtomicReference<Instant> first = new AtomicReference<>();
            depth.put(band, count);
            oldest.put(band, first);
            Gauge.builder("polysync.dispatch.queue.depth", count, AtomicLong::get)
                    .description("QUEUED runs (waiting, and admitted but not started) by band of effective priority")
                    .tag("band", tag).register(meters);
            Gauge.builder("polysync.dispatch.queue.oldest.age", first, this::ageSeconds)
                    .description("Age of the oldest QUEUED run of the band; 0 when none")
                    .tag("band", tag).baseUnit("seconds").register(meters);
        }
        for (Cause cause : Cause.values()) {
            AtomicLong count = new AtomicLong();
            waiting.put(cause, count);
            Gauge.builder("polysync.dispatch.waiting", count, AtomicLong::get)
                    .description("Waiting runs by what they wait for").tag("cause", cause.name()).register(meters);
        }
    }

    /** Reads everything once; the timer calls it, tests too. */
    public void refresh() {
        Instant now = clock.instant();
        refreshActive();
        refreshQueue(now);
        refreshWaiting();
        refreshProfiles();
    }

    private void refreshActive() {
        Map<String, Long> counts = new HashMap<>();
        jdbc.query("SELECT state, COUNT(*) FROM task_run WHERE state IN ('QUEUED', 'RUNNING') GROUP BY state",
                rs -> {
                    counts.put(rs.getString(1), rs.getLong(2));
                });
        queued.set(counts.getOrDefault("QUEUED", 0L));
        running.set(counts.getOrDefault("RUNNING", 0L));
    }

    private void refreshQueue(Instant now) {
        Map<Band, Long> counts = new EnumMap<>(Band.class);
        Map<Band, Instant> firsts = new EnumMap<>(Band.class);
        jdbc.query("SELECT band, COUNT(*), MIN(queued_at) FROM task_run"
                + " WHERE state = 'QUEUED' AND admitted_at IS NOT NULL GROUP BY band", rs -> {
                    String band = rs.getString(1);
                    if (band != null) {
                        add(counts, firsts, Band.valueOf(band), rs.getLong(2), rs.getTimestamp(3));
                    }
                });
        jdbc.query("SELECT priority, COUNT(*), MIN(queued_at), MAX(queued_at) FROM task_run"
                + " WHERE state = 'QUEUED' AND admitted_at IS NULL GROUP BY priority", rs -> {
                    int priority = rs.getInt(1);
                    Timestamp first = rs.getTimestamp(3);
                    Band oldestBand = bandAt(priority, first.toInstant(), now);
                    Band newestBand = bandAt(priority, rs.getTimestamp(4).toInstant(), now);
                    if (oldestBand == newestBand) {
                        add(counts, firsts, oldestBand, rs.getLong(2), first);
                    } else {
                        splitByAgeing(priority, now, counts, firsts);
                    }
                });
        for (Band band : Band.values()) {
            depth.get(band).set(counts.getOrDefault(band, 0L));
            oldest.get(band).set(firsts.get(band));
        }
    }

    /**
     * The waiting runs of one priority straddle a band boundary because of ageing: count them per band by the queue
     * time at which ageing lifts them into the next band (rare: only priorities whose queue spans a boundary).
     */
    private void splitByAgeing(int priority, Instant now, Map<Band, Long> counts, Map<Band, Instant> firsts) {
        Instant high = reaches(priority, properties.highThreshold(), now);
        Instant normal = reaches(priority, properties.lowThreshold(), now);
        String sql = "SELECT COUNT(*), MIN(queued_at) FROM task_run WHERE state = 'QUEUED' AND admitted_at IS NULL"
                + " AND priority = ? AND queued_at > ? AND queued_at <= ?";
        Instant beginning = Instant.EPOCH;
        Instant end = now.plus(Duration.ofDays(3650));
        segment(sql, priority, beginning, high, Band.HIGH, counts, firsts);
        segment(sql, priority, high, normal, Band.NORMAL, counts, firsts);
        segment(sql, priority, normal, end, Band.LOW, counts, firsts);
    }

    private void segment(String sql, int priority, Instant after, Instant upTo, Band band, Map<Band, Long> counts,
                         Map<Band, Instant> firsts) {
        if (!upTo.isAfter(after)) {
            return;
        }
        jdbc.query(sql, rs -> {
            add(counts, firsts, band, rs.getLong(1), rs.getTimestamp(2));
        }, priority, Timestamp.from(after), Timestamp.from(upTo));
    }

    /**
     * The latest queue time at which a run of {@code priority} has an effective priority of at least
     * {@code threshold} at {@code now}: ageing adds floor(ageingPerMinute × minutes waited), capped at 100.
     */
    private Instant reaches(int priority, int threshold, Instant now) {
        if (priority >= threshold) {
            return now.plus(Duration.ofDays(3650));
        }
        double ageing = properties.ageingPerMinute();
        if (threshold > MAX_PRIORITY || ageing <= 0) {
            return Instant.EPOCH;
        }
        long waitMillis = (long) Math.ceil((threshold - priority) * 60_000.0 / ageing);
        return now.minusMillis(waitMillis);
    }

    private Band bandAt(int priority, Instant queuedAt, Instant now) {
        long waitedMillis = Math.max(0, Duration.between(queuedAt, now).toMillis());
        long bonus = (long) Math.floor(properties.ageingPerMinute() * waitedMillis / 60_000.0);
        int effective = (int) Math.max(priority, Math.min(MAX_PRIORITY, priority + bonus));
        return properties.band(effective);
    }

    private static void add(Map<Band, Long> counts, Map<Band, Instant> firsts, Band band, long count,
                            Timestamp first) {
        if (count == 0 || first == null) {
            return;
        }
        counts.merge(band, count, Long::sum);
        firsts.merge(band, first.toInstant(), (a, b) -> a.isBefore(b) ? a : b);
    }

    private void refreshWaiting() {
        Map<String, Long> counts = new HashMap<>();
        jdbc.query(WAITING_BY_CAUSE, rs -> {
            counts.put(rs.getString(1), rs.getLong(2));
        });
        waiting.forEach((cause, count) -> count.set(counts.getOrDefault(cause.name(), 0L)));
    }

    private void refreshProfiles() {
        Map<String, Integer> limits = new HashMap<>();
        Set<String> names = new HashSet<>();
        jdbc.query("SELECT name, max_concurrent FROM contention_profile", rs -> {
            String name = rs.getString(1);
            names.add(name);
            int limit = rs.getInt(2);
            if (!rs.wasNull()) {
                limits.put(name, limit);
            }
        });
        Map<String, Long> inUse = new HashMap<>();
        jdbc.query("SELECT profile_name, COUNT(*) FROM profile_permit GROUP BY profile_name", rs -> {
            inUse.put(rs.getString(1), rs.getLong(2));
        });
        names.addAll(inUse.keySet());
        profileWaits.register(names);
        for (String name : names) {
            permitsInUse.computeIfAbsent(name, n -> {
                AtomicLong value = new AtomicLong();
                Gauge.builder("polysync.profile.permits.in.use", value, AtomicLong::get)
                        .description("Contention permits of the profile held now").tag("profile", n).register(meters);
                return value;
            }).set(inUse.getOrDefault(name, 0L));
        }
        for (String name : names) {
            Integer limit = limits.get(name);
            if (limit == null) {
                Meter gone = limitGauges.remove(name);
                if (gone != null) {
                    meters.remove(gone);
                    permitLimits.remove(name);
                }
                continue;
            }
            permitLimits.computeIfAbsent(name, n -> {
                AtomicLong value = new AtomicLong();
                limitGauges.put(n, Gauge.builder("polysync.profile.permits.limit", value, AtomicLong::get)
                        .description("The profile's max concurrent runs").tag("profile", n).register(meters));
                return value;
            }).set(limit);
        }
    }

    private double ageSeconds(AtomicReference<Instant> first) {
        Instant instant = first.get();
        return instant == null ? 0 : Math.max(0, Duration.between(instant, clock.instant()).toMillis() / 1000.0);
    }

    @Override
    public void start() {
        timer.start(Duration.ZERO, properties.metricsInterval());
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
