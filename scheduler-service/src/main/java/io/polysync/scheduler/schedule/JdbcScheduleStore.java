package io.polysync.scheduler.schedule;

import io.polysync.model.Json;
import io.polysync.model.Topics;
import io.polysync.model.cron.CronSchedule;
import io.polysync.model.event.TriggerRequested;
import io.polysync.model.id.Ids;
import io.polysync.model.run.TriggerType;
import io.polysync.model.task.DependencySnapshot;
import io.polysync.model.task.MisfirePolicy;
import io.polysync.model.task.OutputMapping;
import io.polysync.model.task.ScheduleSnapshot;
import io.polysync.model.task.TaskSnapshot;
import io.polysync.runtime.outbox.Outbox;
import io.polysync.runtime.outbox.OutboxRecord;
import io.polysync.scheduler.tasks.DefinitionChange;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.jdbc.core.namedparam.MapSqlParameterSource;
import org.springframework.jdbc.core.namedparam.NamedParameterJdbcTemplate;
import org.springframework.jdbc.core.namedparam.SqlParameterSource;
import org.springframework.stereotype.Repository;
import org.springframework.transaction.annotation.Transactional;

import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.Collections;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;

/**
 * Schedule state in the scheduler's schema, next to {@code task_view} and {@code last_success}. Every method works on
 * many schedules with a constant number of statements (multi-row reads, JDBC batches): a poll of 500 definitions, the
 * 10,000 schedules due on one minute, or the 100,000 schedules of a restart cost a few round trips each, not one per
 * schedule.
 */
@Repository
public class JdbcScheduleStore implements ScheduleStore {

    private static final Logger log = LoggerFactory.getLogger(JdbcScheduleStore.class);

    /** The task-service sets a limit whenever a task uses CATCH_UP; this covers definitions that have none. */
    static final int DEFAULT_CATCH_UP_LIMIT = 10;
    static final String REQUESTED_BY = "scheduler";

    private static final String INSERT_STATE =
            "INSERT INTO schedule_state (task_id, schedule_id, created_at) VALUES (:task, :schedule, :created)";

    /** Decoded fire views kept (least recently fired out first): enough for the tasks that fire every few seconds. */
    static final int FIRE_VIEWS_KEPT = 20_000;

    private final NamedParameterJdbcTemplate jdbc;
    private final Outbox outbox;
    private final Clock clock;
    /** A task's definition version names its snapshot: a view kept under the version in force is still right. */
    private final Map<UUID, FireView> keptViews = Collections.synchronizedMap(
            new LinkedHashMap<>(1_024, 0.75f, true) {
                @Override
                protected boolean removeEldestEntry(Map.Entry<UUID, FireView> eldest) {
                    return size() > FIRE_VIEWS_KEPT;
                }
            });

    public JdbcScheduleStore(NamedParameterJdbcTemplate jdbc, Outbox outbox, Clock clock) {
        this.jdbc = jdbc;
        this.outbox = outbox;
        this.clock = clock;
    }

    @Override
    @Transactional
    public List<ArmedSchedule> loadPartitions(Collection<Integer> partitions) {
        if (partitions.isEmpty()) {
            return List.of();
        }
        MapSqlParameterSource params = new MapSqlParameterSource("partitions", partitions);
        Map<UUID, Map<UUID, Instant>> states = new HashMap<>();
        jdbc.query("SELECT s.task_id, s.schedule_id, s.created_at, s.last_fire_at FROM schedule_state s "
                + "JOIN task_view t ON t.task_id = s.task_id WHERE t.kafka_partition IN (:partitions)", params, rs -> {
            states.computeIfAbsent(uuid(rs, "task_id"), id -> new HashMap<>())
                    .put(uuid(rs, "schedule_id"), firedThrough(rs));
        });
        Crons crons = new Crons();
        List<ArmedSchedule> armed = new ArrayList<>();
        List<SqlParameterSource> missing = new ArrayList<>();
        jdbc.query("SELECT task_id, snapshot, updated_at, kafka_partition FROM task_view "
                + "WHERE kafka_partition IN (:partitions)", params, rs -> {
            UUID taskId = uuid(rs, "task_id");
            // only what arming needs: a restart decodes every definition, and most of a snapshot is the job
            ArmingView task = Json.decode(rs.getString("snapshot"), ArmingView.class);
            if (task.schedules() == null || task.schedules().isEmpty()) {
                return;
            }
            Instant updatedAt = rs.getObject("updated_at", OffsetDateTime.class).toInstant();
            int partition = partition(rs);
            Map<UUID, Instant> state = states.getOrDefault(taskId, Map.of());
            for (ScheduleSnapshot schedule : task.schedules()) {
                Instant firedThrough = state.get(schedule.scheduleId());
                if (firedThrough == null) {
                    // A definition stored before schedule state existed: its history starts at its save here.
                    firedThrough = updatedAt;
                    missing.add(stateRow(taskId, schedule.scheduleId(), firedThrough));
                }
                arm(taskId, task.name(), task.misfirePolicy(), task.catchUpLimit(), schedule, firedThrough,
                        partition, crons).ifPresent(armed::add);
            }
        });
        if (!missing.isEmpty()) {
            jdbc.batchUpdate(INSERT_STATE, missing.toArray(SqlParameterSource[]::new));
        }
        return armed;
    }

    @Override
    @Transactional
    public Map<UUID, List<ArmedSchedule>> definitionsChanged(List<DefinitionChange> changes,
                                                             Map<UUID, TaskSnapshot> inForce) {
        if (changes.isEmpty()) {
            return Map.of();
        }
        // Every state row of the poll's tasks is locked first, in the order a fire takes its locks, so a poll and a
        // fire that share schedules wait for each other instead of deadlocking.
        Map<UUID, Map<UUID, Instant>> states = new HashMap<>();
        jdbc.query("SELECT task_id, schedule_id, created_at, last_fire_at FROM schedule_state WHERE task_id IN (:tasks)"
                        + " ORDER BY task_id, schedule_id FOR UPDATE",
                new MapSqlParameterSource("tasks", changes.stream().map(DefinitionChange::taskId).toList()), rs -> {
                    states.computeIfAbsent(uuid(rs, "task_id"), id -> new HashMap<>())
                            .put(uuid(rs, "schedule_id"), firedThrough(rs));
                });
        List<UUID> deleted = changes.stream().filter(DefinitionChange::deleted).map(DefinitionChange::taskId).toList();
        if (!deleted.isEmpty()) {
            jdbc.update("DELETE FROM schedule_state WHERE task_id IN (:tasks)",
                    new MapSqlParameterSource("tasks", deleted));
            deleted.forEach(states::remove);
        }
        List<DefinitionChange> defined = changes.stream().filter(c -> c.definition() != null).toList();
        Map<UUID, List<ArmedSchedule>> armed = new LinkedHashMap<>();
        if (defined.isEmpty()) {
            return armed;
        }
        Crons crons = new Crons();
        List<SqlParameterSource> inserts = new ArrayList<>();
        List<SqlParameterSource> removals = new ArrayList<>();
        for (DefinitionChange change : defined) {
            UUID taskId = change.taskId();
            TaskSnapshot latest = inForce.getOrDefault(taskId, change.definition().task());
            Map<UUID, Instant> state = states.getOrDefault(taskId, Map.of());
            Instant savedAt = change.definition().occurredAt() != null ? change.definition().occurredAt()
                    : clock.instant();
            Set<UUID> current = new HashSet<>();
            List<ArmedSchedule> schedules = new ArrayList<>();
            for (ScheduleSnapshot schedule : latest.schedules()) {
                current.add(schedule.scheduleId());
                Instant firedThrough = state.get(schedule.scheduleId());
                if (firedThrough == null) {
                    firedThrough = savedAt;
                    inserts.add(stateRow(taskId, schedule.scheduleId(), savedAt));
                }
                arm(taskId, latest.name(), latest.misfirePolicy(), latest.catchUpLimit(), schedule, firedThrough,
                        change.partition(), crons).ifPresent(schedules::add);
            }
            for (UUID scheduleId : state.keySet()) {
                if (!current.contains(scheduleId)) {
                    removals.add(new MapSqlParameterSource("task", taskId).addValue("schedule", scheduleId));
                }
            }
            armed.put(taskId, schedules);
        }
        if (!removals.isEmpty()) {
            jdbc.batchUpdate("DELETE FROM schedule_state WHERE task_id = :task AND schedule_id = :schedule",
                    removals.toArray(SqlParameterSource[]::new));
        }
        if (!inserts.isEmpty()) {
            jdbc.batchUpdate(INSERT_STATE, inserts.toArray(SqlParameterSource[]::new));
        }
        return armed;
    }

    @Override
    @Transactional
    public List<FireResult> fire(List<Due> due) {
        if (due.isEmpty()) {
            return List.of();
        }
        Set<UUID> taskIds = new HashSet<>();
        Set<UUID> scheduleIds = new HashSet<>();
        for (Due d : due) {
            taskIds.add(d.taskId());
            scheduleIds.add(d.scheduleId());
        }
        // Schedule ids are unique, so the two lists select exactly the chunk's rows; the stable order is the order
        // their locks are taken in, so two replicas briefly firing overlapping chunks wait for each other, never
        // deadlock.
        Map<ScheduleKey, Instant> locked = new HashMap<>();
        jdbc.query("SELECT task_id, schedule_id, created_at, last_fire_at FROM schedule_state "
                        + "WHERE task_id IN (:tasks) AND schedule_id IN (:schedules) "
                        + "ORDER BY task_id, schedule_id FOR UPDATE",
                new MapSqlParameterSource("tasks", taskIds).addValue("schedules", scheduleIds),
                rs -> {
                    locked.put(new ScheduleKey(uuid(rs, "task_id"), uuid(rs, "schedule_id")), firedThrough(rs));
                });
        List<List<Instant>> toFire = new ArrayList<>(due.size());
        Set<UUID> firing = new HashSet<>();
        for (Due d : due) {
            Instant firedThrough = locked.get(new ScheduleKey(d.taskId(), d.scheduleId()));
            List<Instant> instants = firedThrough == null ? List.of()
                    : d.instants().stream().filter(i -> i.isAfter(firedThrough)).sorted().toList();
            toFire.add(instants);
            if (!instants.isEmpty()) {
                firing.add(d.taskId());
            }
        }
        Map<UUID, FireView> tasks = firing.isEmpty() ? Map.of() : fireViews(firing);
        Map<UUID, Map<String, Object>> parentOutputs = parentOutputs(tasks.values());
        Instant now = clock.instant();
        List<OutboxRecord> records = new ArrayList<>();
        Map<Instant, FiredThrough> updates = new LinkedHashMap<>();
        List<FireResult> results = new ArrayList<>(due.size());
        for (int i = 0; i < due.size(); i++) {
            Due d = due.get(i);
            Instant firedThrough = locked.get(new ScheduleKey(d.taskId(), d.scheduleId()));
            List<Instant> instants = toFire.get(i);
            if (firedThrough == null) {
                results.add(FireResult.scheduleGone());
                continue;
            }
            if (instants.isEmpty()) {
                results.add(new FireResult(false, List.of(), firedThrough));
                continue;
            }
            FireView task = tasks.get(d.taskId());
            if (task == null) {
                results.add(FireResult.scheduleGone());
                continue;
            }
            Map<String, Object> mappedInputs = mappedInputs(task, parentOutputs);
            for (Instant instant : instants) {
                UUID triggerId = Ids.triggerId(d.taskId(), TriggerType.SCHEDULE, d.scheduleId() + "|" + instant);
                TriggerRequested trigger = new TriggerRequested(triggerId, Ids.runId(triggerId), d.taskId(),
                        task.name(), TriggerType.SCHEDULE, mappedInputs, Map.of(), 1, null, task.definitionVersion(),
                        REQUESTED_BY, instant, now);
                records.add(new OutboxRecord(Topics.TRIGGERS, d.taskId().toString(), trigger));
            }
            Instant last = instants.get(instants.size() - 1);
            updates.computeIfAbsent(last, at -> new FiredThrough()).add(d);
            results.add(new FireResult(false, instants, last));
        }
        outbox.appendAll(records);
        // The schedules of a chunk were mostly due at one instant, so one UPDATE per distinct instant, not per row
        updates.forEach((last, fired) -> jdbc.update("UPDATE schedule_state SET last_fire_at = :fired "
                + "WHERE task_id IN (:tasks) AND schedule_id IN (:schedules)",
                new MapSqlParameterSource("fired", OffsetDateTime.ofInstant(last, ZoneOffset.UTC))
                        .addValue("tasks", fired.tasks).addValue("schedules", fired.schedules)));
        return results;
    }

    /** The schedules of one fire chunk that have now fired through the same instant. */
    private static final class FiredThrough {
        final Set<UUID> tasks = new HashSet<>();
        final Set<UUID> schedules = new HashSet<>();

        void add(Due due) {
            tasks.add(due.taskId());
            schedules.add(due.scheduleId());
        }
    }

    /**
     * The definitions in force of {@code taskIds}, as much of them as a trigger needs. Only the versions are read
     * for every fire; a snapshot is read and decoded only for a version not seen before, since decoding a snapshot
     * was a third of the timer's CPU when a thousand tasks fired every second.
     */
    private Map<UUID, FireView> fireViews(Set<UUID> taskIds) {
        Map<UUID, FireView> views = new HashMap<>();
        Set<UUID> unseen = new HashSet<>();
        jdbc.query("SELECT task_id, definition_version FROM task_view WHERE task_id IN (:tasks)",
                new MapSqlParameterSource("tasks", taskIds), rs -> {
                    UUID taskId = uuid(rs, "task_id");
                    FireView seen = keptViews.get(taskId);
                    if (seen != null && seen.definitionVersion() == rs.getLong("definition_version")) {
                        views.put(taskId, seen);
                    } else {
                        unseen.add(taskId);
                    }
                });
        if (!unseen.isEmpty()) {
            jdbc.query("SELECT task_id, snapshot FROM task_view WHERE task_id IN (:tasks)",
                    new MapSqlParameterSource("tasks", unseen), rs -> {
                        FireView view = Json.decode(rs.getString("snapshot"), FireView.class);
                        views.put(uuid(rs, "task_id"), view);
                        keptViews.put(uuid(rs, "task_id"), view);
                    });
        }
        return views;
    }

    /** The latest successful outputs of every parent of {@code tasks}, in one query. */
    private Map<UUID, Map<String, Object>> parentOutputs(Collection<FireView> tasks) {
        Set<UUID> parents = new HashSet<>();
        for (FireView task : tasks) {
            task.dependencies().forEach(dependency -> parents.add(dependency.taskId()));
        }
        Map<UUID, Map<String, Object>> outputs = new HashMap<>();
        if (parents.isEmpty()) {
            return outputs;
        }
        jdbc.query("SELECT task_id, outputs FROM last_success WHERE task_id IN (:parents)",
                new MapSqlParameterSource("parents", parents), rs -> {
                    @SuppressWarnings("unchecked")
                    Map<String, Object> values = Json.decode(rs.getString("outputs"), Map.class);
                    outputs.put(uuid(rs, "task_id"), values == null ? Map.of() : values);
                });
        return outputs;
    }

    /** Rule 13: each parent's latest successful outputs, mapped {output → input}; a missing output is absent. */
    private static Map<String, Object> mappedInputs(FireView task, Map<UUID, Map<String, Object>> outputs) {
        if (task.dependencies().isEmpty()) {
            return Map.of();
        }
        Map<String, Object> inputs = new LinkedHashMap<>();
        for (DependencySnapshot dependency : task.dependencies()) {
            Map<String, Object> parentOutputs = outputs.getOrDefault(dependency.taskId(), Map.of());
            for (OutputMapping mapping : dependency.mappings()) {
                if (parentOutputs.containsKey(mapping.output())) {
                    inputs.put(mapping.input(), parentOutputs.get(mapping.output()));
                }
            }
        }
        return inputs;
    }

    private static Optional<ArmedSchedule> arm(UUID taskId, String taskName, MisfirePolicy policy,
                                               Integer catchUpLimit, ScheduleSnapshot schedule, Instant firedThrough,
                                               int partition, Crons crons) {
        CronSchedule cron;
        try {
            cron = crons.parse(schedule.cron(), schedule.timeZone());
        } catch (IllegalArgumentException e) {
            log.warn("schedule {} of task {} is not armed: {}", schedule.scheduleId(), taskName, e.getMessage());
            return Optional.empty();
        }
        int limit = catchUpLimit != null ? catchUpLimit : DEFAULT_CATCH_UP_LIMIT;
        return Optional.of(new ArmedSchedule(taskId, schedule.scheduleId(), cron,
                policy != null ? policy : MisfirePolicy.FIRE_ONCE, limit, firedThrough, partition));
    }

    private static SqlParameterSource stateRow(UUID taskId, UUID scheduleId, Instant createdAt) {
        return new MapSqlParameterSource("task", taskId).addValue("schedule", scheduleId)
                .addValue("created", OffsetDateTime.ofInstant(createdAt, ZoneOffset.UTC));
    }

    private static int partition(ResultSet rs) throws SQLException {
        int partition = rs.getInt("kafka_partition");
        return rs.wasNull() ? -1 : partition;
    }

    private static Instant firedThrough(ResultSet rs) throws SQLException {
        OffsetDateTime last = rs.getObject("last_fire_at", OffsetDateTime.class);
        return last != null ? last.toInstant() : rs.getObject("created_at", OffsetDateTime.class).toInstant();
    }

    private static UUID uuid(ResultSet rs, String column) throws SQLException {
        return rs.getObject(column, UUID.class);
    }

    private record ScheduleKey(UUID taskId, UUID scheduleId) {
    }

    /**
     * The part of a {@link TaskSnapshot} that arming reads. Decoding skips the rest (the job, its schema, the
     * parameters) without building it.
     */
    record ArmingView(String name, List<ScheduleSnapshot> schedules, MisfirePolicy misfirePolicy,
                      Integer catchUpLimit) {
    }

    /** The part of a {@link TaskSnapshot} that a SCHEDULE trigger is made from. */
    record FireView(String name, long definitionVersion, List<DependencySnapshot> dependencies) {

        FireView {
            dependencies = dependencies == null ? List.of() : dependencies;
        }
    }

    /**
     * Parses each distinct (cron, time zone) once per call: thousands of tasks often share an expression, and a
     * {@link CronSchedule} is immutable.
     */
    private static final class Crons {
        private final Map<List<String>, CronSchedule> parsed = new HashMap<>();

        CronSchedule parse(String cron, String timeZone) {
            List<String> key = Arrays.asList(cron, timeZone);
            CronSchedule found = parsed.get(key);
            if (found == null) {
                found = CronSchedule.parse(cron, timeZone);
                parsed.put(key, found);
            }
            return found;
        }
    }
}
