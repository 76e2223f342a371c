package io.polysync.dispatcher.admission;

import io.polysync.model.id.Ids;
import io.polysync.model.task.ContentionProfileSnapshot;
import io.polysync.model.task.ContentionProfileSnapshot.RateLimit;
import io.polysync.runtime.jdbc.SqlLists;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.stereotype.Component;

import java.sql.Timestamp;
import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.util.Collection;
import java.util.List;
import java.util.UUID;

/**
 * The rows admission decides on, in the dispatcher's database: a lock row per task, a row per contention profile
 * (its newest limits, also its lock), permits held by admitted runs and admission instants for rate limits. Every
 * method runs in the caller's transaction. Callers lock the task row first, then profile rows in name order, so two
 * admitting transactions never wait on each other in a cycle.
 */
@Component
class AdmissionGates {

    private static final String MERGE_LIMITS = """
            MERGE INTO contention_profile p
            USING (SELECT CAST(? AS VARCHAR(255)) AS name, CAST(? AS INTEGER) AS max_concurrent,
                          CAST(? AS INTEGER) AS rate_runs, CAST(? AS BIGINT) AS rate_per_millis,
                          CAST(? AS BIGINT) AS version) s
            ON p.name = s.name
            WHEN MATCHED AND s.version > p.version THEN
                UPDATE SET max_concurrent = s.max_concurrent, rate_runs = s.rate_runs,
                           rate_per_millis = s.rate_per_millis, version = s.version
            WHEN NOT MATCHED THEN
                INSERT (name, max_concurrent, rate_runs, rate_per_millis, version)
                VALUES (s.name, s.max_concurrent, s.rate_runs, s.rate_per_millis, s.version)""";

    private static final String ENSURE_PROFILE = """
            MERGE INTO contention_profile p
            USING (SELECT CAST(? AS VARCHAR(255)) AS name) s ON p.name = s.name
            WHEN NOT MATCHED THEN INSERT (name, version) VALUES (s.name, -1)""";

    /**
     * Creates the task's lock row if missing, else locks it, in one statement: the update changes nothing, but like
     * any update it holds the row until the transaction ends, against other updates and {@code SELECT ... FOR UPDATE}
     * alike. A batch of these is one round trip where ensuring and then locking with a query took two.
     */
    private static final String ENSURE_AND_LOCK_TASK = """
            MERGE INTO admission_task t
            USING (SELECT CAST(? AS UUID) AS task_id) s ON t.task_id = s.task_id
            WHEN MATCHED THEN UPDATE SET task_id = s.task_id
            WHEN NOT MATCHED THEN INSERT (task_id) VALUES (s.task_id)""";

    private final JdbcTemplate jdbc;

    AdmissionGates(JdbcTemplate jdbc) {
        this.jdbc = jdbc;
    }

    /** Keeps the newest version of each profile's limits; an older snapshot changes nothing. */
    void recordLimits(List<ContentionProfileSnapshot> profiles) {
        for (ContentionProfileSnapshot profile : profiles) {
            if (profile == null || profile.name() == null) {
                continue;
            }
            RateLimit rate = profile.rateLimit();
            jdbc.update(MERGE_LIMITS, profile.name(), profile.maxConcurrent(), rate == null ? null : rate.runs(),
                    rate == null || rate.per() == null ? null : rate.per().toMillis(), profile.version());
        }
    }

    /**
     * Locks the task's row until the end of the transaction, creating it on first use. A transaction that admits
     * many runs of one task (a poll of triggers) locks it once: the lock is held until it ends anyway.
     */
    void lockTask(UUID taskId) {
        if (!LockedTasks.firstLockInTransaction(this, taskId)) {
            return;
        }
        jdbc.update(ENSURE_AND_LOCK_TASK, taskId);
    }

    /**
     * Locks the rows of many tasks until the end of the transaction, creating those missing: one batch for all of
     * them, in the database's uuid order (a batch runs its statements in order), so the whole poll's tasks cost one
     * round trip. Tasks this transaction locked already are left out.
     */
    void lockTasks(Collection<UUID> taskIds) {
        List<Object[]> first = taskIds.stream().distinct().sorted(Ids.DATABASE_ORDER)
                .filter(taskId -> LockedTasks.firstLockInTransaction(this, taskId))
                .map(taskId -> new Object[] {taskId}).toList();
        if (!first.isEmpty()) {
            jdbc.batchUpdate(ENSURE_AND_LOCK_TASK, first);
        }
    }

    /** Admitted, unfinished runs of the task: the slots it has taken. */
    int taskInUse(UUID taskId) {
        Integer count = jdbc.queryForObject("SELECT COUNT(*) FROM task_run WHERE task_id = ?"
                + " AND admitted_at IS NOT NULL AND state IN ('QUEUED', 'RUNNING')", Integer.class, taskId);
        return count == null ? 0 : count;
    }

    /** A contention profile's row, locked by the current transaction, and the limits it holds. */
    record LockedProfile(String name, Integer maxConcurrent, RateLimit rate) {
    }

    /** Locks the profile's row (created without limits when no snapshot named them yet) and reads its limits. */
    LockedProfile lockProfile(String name) {
        jdbc.update(ENSURE_PROFILE, name);
        return jdbc.queryForObject("SELECT max_concurrent, rate_runs, rate_per_millis FROM contention_profile"
                + " WHERE name = ? FOR UPDATE", (rs, i) -> {
                    Integer maxConcurrent = (Integer) rs.getObject("max_concurrent");
                    Integer rateRuns = (Integer) rs.getObject("rate_runs");
                    Number perMillis = (Number) rs.getObject("rate_per_millis");
                    RateLimit rate = rateRuns == null || perMillis == null ? null
                            : new RateLimit(rateRuns, Duration.ofMillis(perMillis.longValue()));
                    return new LockedProfile(name, maxConcurrent, rate);
                }, name);
    }

    /**
     * What admission needs of a profile locked by this transaction, at {@code now}: the permits held and the
     * admissions still inside its rate window (older ones are pruned).
     */
    AdmissionDecision.ProfileState state(LockedProfile profile, Instant now) {
        RateLimit rate = profile.rate();
        return new AdmissionDecision.ProfileState(profile.name(), profile.maxConcurrent(), permitsInUse(profile.name()),
                rate, rate == null ? List.of() : admissionsInWindow(profile.name(), rate.per(), now));
    }

    private int permitsInUse(String name) {
        Integer count = jdbc.queryForObject("SELECT COUNT(*) FROM profile_permit WHERE profile_name = ?",
                Integer.class, name);
        return count == null ? 0 : count;
    }

    private List<Instant> admissionsInWindow(String name, Duration per, Instant now) {
        jdbc.update("DELETE FROM admission_stamp WHERE profile_name = ? AND admitted_at <= ?", name,
                Timestamp.from(now.minus(per).minus(per)));
        return jdbc.query("SELECT admitted_at FROM admission_stamp WHERE profile_name = ? AND admitted_at > ?",
                (rs, i) -> rs.getObject(1, OffsetDateTime.class).toInstant(), name,
                Timestamp.from(now.minus(per)));
    }

    /**
     * The runs other than {@code runId} that wait for the task's own limit (or have no gate recorded yet): for each
     * priority, the earliest queue time, the one of that priority that goes first. A newcomer must not overtake them.
     */
    List<WaitingOrder.Waiting> waitingForTask(UUID taskId, UUID runId) {
        return firstOfEachPriority("task_id = ? AND waiting_profile IS NULL", taskId, runId);
    }

    /** As {@link #waitingForTask}, for the runs waiting for the gate of the profile {@code name}. */
    List<WaitingOrder.Waiting> waitingForProfile(String name, UUID runId) {
        return firstOfEachPriority("waiting_profile = ?", name, runId);
    }

    // Grouped by priority, so at most 101 rows come back however long the queue; ix_task_run_task_state and
    // ix_task_run_waiting_profile narrow the rows read to the queued runs of one task or profile.
    private List<WaitingOrder.Waiting> firstOfEachPriority(String gate, Object key, UUID runId) {
        return jdbc.query("SELECT priority, MIN(queued_at) FROM task_run WHERE " + gate
                        + " AND state = 'QUEUED' AND admitted_at IS NULL AND run_id <> ? GROUP BY priority",
                (rs, i) -> new WaitingOrder.Waiting(null, rs.getInt(1),
                        rs.getObject(2, OffsetDateTime.class).toInstant()), key, runId);
    }

    /** The run takes a permit of every profile and, where a rate limit applies, an admission stamp. */
    void take(UUID runId, List<AdmissionDecision.ProfileState> profiles, Instant now) {
        Timestamp at = Timestamp.from(now);
        for (AdmissionDecision.ProfileState profile : profiles) {
            jdbc.update("INSERT INTO profile_permit (profile_name, run_id, taken_at) VALUES (?, ?, ?)",
                    profile.name(), runId, at);
            if (profile.rateLimit() != null) {
                jdbc.update("INSERT INTO admission_stamp (profile_name, run_id, admitted_at) VALUES (?, ?, ?)",
                        profile.name(), runId, at);
            }
        }
    }

    /** Frees every permit the runs hold, in one statement; admission stamps stay, the rate window still counts them. */
    int release(Collection<UUID> runIds) {
        String in = SqlLists.placeholders(runIds.size());
        return jdbc.update("DELETE FROM profile_permit WHERE run_id IN (" + in + ")", runIds.toArray());
    }
}
