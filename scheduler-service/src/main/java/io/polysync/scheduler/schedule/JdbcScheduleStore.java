package io.polysync.scheduler.schedule;

import io.polysync.model.Json;
import io.polysync.model.Topics;
import io.polysync.model.cron.CronSchedule;
import io.polysync.model.event.TaskDefinitionChanged;
import io.polysync.model.event.TriggerRequested;
import io.polysync.model.id.Ids;
import io.polysync.model.run.TriggerType;
import io.polysync.model.task.DependencySnapshot;
import io.polysync.model.task.OutputMapping;
import io.polysync.model.task.ScheduleSnapshot;
import io.polysync.model.task.TaskSnapshot;
import io.polysync.runtime.outbox.Outbox;
import io.polysync.runtime.outbox.OutboxRecord;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.jdbc.core.namedparam.MapSqlParameterSource;
import org.springframework.jdbc.core.namedparam.NamedParameterJdbcTemplate;
import org.springframework.stereotype.Repository;
import org.springframework.transaction.annotation.Transactional;

import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;

/** Schedule state in the scheduler's schema, next to {@code task_view} and {@code last_success}. */
@Repository
public class JdbcScheduleStore implements ScheduleStore {

    private static final Logger log = LoggerFactory.getLogger(JdbcScheduleStore.class);

    /** The task-service sets a limit whenever a task uses CATCH_UP; this covers definitions that have none. */
    static final int DEFAULT_CATCH_UP_LIMIT = 10;
    static final String REQUESTED_BY = "scheduler";

    private final NamedParameterJdbcTemplate jdbc;
    private final Outbox outbox;
    private final Clock clock;

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
        Map<UUID, TaskRow> tasks = new LinkedHashMap<>();
        jdbc.query("SELECT task_id, snapshot, updated_at, kafka_partition FROM task_view "
                + "WHERE kafka_partition IN (:partitions)", params, rs -> {
            TaskRow row = taskRow(rs);
            tasks.put(row.taskId(), row);
        });
        Map<UUID, Map<UUID, Instant>> states = new HashMap<>();
        jdbc.query("SELECT s.task_id, s.schedule_id, s.created_at, s.last_fire_at FROM schedule_state s "
                + "JOIN task_view t ON t.task_id = s.task_id WHERE t.kafka_partition IN (:partitions)", params, rs -> {
            states.computeIfAbsent(uuid(rs, "task_id"), id -> new HashMap<>())
                    .put(uuid(rs, "schedule_id"), firedThrough(rs));
        });
        List<ArmedSchedule> armed = new ArrayList<>();
        for (TaskRow task : tasks.values()) {
            Map<UUID, Instant> state = states.getOrDefault(task.taskId(), Map.of());
            for (ScheduleSnapshot schedule : task.snapshot().schedules()) {
                Instant firedThrough = state.get(schedule.scheduleId());
                if (firedThrough == null) {
                    // A definition stored before schedule state existed: its history starts at its save here.
                    firedThrough = task.updatedAt();
                    insertState(task.taskId(), schedule.scheduleId(), firedThrough);
                }
                arm(task.snapshot(), schedule, firedThrough, task.partition()).ifPresent(armed::add);
            }
        }
        return armed;
    }

    @Override
    @Transactional
    public List<ArmedSchedule> definitionChanged(TaskDefinitionChanged changed, int partition) {
        UUID taskId = changed.taskId();
        jdbc.update("UPDATE task_view SET kafka_partition = :partition WHERE task_id = :task",
                new MapSqlParameterSource("partition", partition).addValue("task", taskId));
        List<TaskRow> rows = jdbc.query("SELECT task_id, snapshot, updated_at, kafka_partition FROM task_view "
                + "WHERE task_id = :task", new MapSqlParameterSource("task", taskId), (rs, i) -> taskRow(rs));
        if (rows.isEmpty()) {
            deleteStates(taskId);
            return List.of();
        }
        TaskSnapshot latest = rows.get(0).snapshot();
        Map<UUID, Instant> states = new HashMap<>();
        jdbc.query("SELECT task_id, schedule_id, created_at, last_fire_at FROM schedule_state WHERE task_id = :task",
                new MapSqlParameterSource("task", taskId),
                rs -> {
                    states.put(uuid(rs, "schedule_id"), firedThrough(rs));
                });
        Set<UUID> current = new HashSet<>();
        List<ArmedSchedule> armed = new ArrayList<>();
        Instant savedAt = changed.occurredAt() != null ? changed.occurredAt() : clock.instant();
        for (ScheduleSnapshot schedule : latest.schedules()) {
            current.add(schedule.scheduleId());
            Instant firedThrough = states.get(schedule.scheduleId());
            if (firedThrough == null) {
                firedThrough = savedAt;
                insertState(taskId, schedule.scheduleId(), savedAt);
            }
            arm(latest, schedule, firedThrough, partition).ifPresent(armed::add);
        }
        for (UUID scheduleId : states.keySet()) {
            if (!current.contains(scheduleId)) {
                jdbc.update("DELETE FROM schedule_state WHERE task_id = :task AND schedule_id = :schedule",
                        new MapSqlParameterSource("task", taskId).addValue("schedule", scheduleId));
            }
        }
        return armed;
    }

    @Override
    @Transactional
    public void taskDeleted(UUID taskId) {
        deleteStates(taskId);
    }

    @Override
    @Transactional
    public FireResult fire(UUID taskId, UUID scheduleId, List<Instant> instants) {
        MapSqlParameterSource key = new MapSqlParameterSource("task", taskId).addValue("schedule", scheduleId);
        List<Instant> state = jdbc.query("SELECT created_at, last_fire_at FROM schedule_state "
                + "WHERE task_id = :task AND schedule_id = :schedule FOR UPDATE", key, (rs, i) -> firedThrough(rs));
        if (state.isEmpty()) {
            return FireResult.scheduleGone();
        }
        Instant firedThrough = state.get(0);
        List<Instant> toFire = instants.stream().filter(i -> i.isAfter(firedThrough)).sorted().toList();
        if (toFire.isEmpty()) {
            return new FireResult(false, List.of(), firedThrough);
        }
        List<TaskRow> rows = jdbc.query("SELECT task_id, snapshot, updated_at, kafka_partition FROM task_view "
                + "WHERE task_id = :task", key, (rs, i) -> taskRow(rs));
        if (rows.isEmpty()) {
            return FireResult.scheduleGone();
        }
        TaskSnapshot task = rows.get(0).snapshot();
        Map<String, Object> mappedInputs = mappedInputs(task);
        Instant now = clock.instant();
        List<OutboxRecord> records = new ArrayList<>(toFire.size());
        for (Instant instant : toFire) {
            UUID triggerId = Ids.triggerId(taskId, TriggerType.SCHEDULE, scheduleId + "|" + instant);
            TriggerRequested trigger = new TriggerRequested(triggerId, Ids.runId(triggerId), taskId, task.name(),
                    TriggerType.SCHEDULE, mappedInputs, Map.of(), 1, null, task.definitionVersion(), REQUESTED_BY,
                    instant, now);
            records.add(new OutboxRecord(Topics.TRIGGERS, taskId.toString(), trigger));
        }
        outbox.appendAll(records);
        Instant last = toFire.get(toFire.size() - 1);
        jdbc.update("UPDATE schedule_state SET last_fire_at = :fired WHERE task_id = :task AND schedule_id = :schedule",
                key.addValue("fired", OffsetDateTime.ofInstant(last, ZoneOffset.UTC)));
        return new FireResult(false, toFire, last);
    }

    /** Rule 13: each parent's latest successful outputs, mapped {output → input}; a missing output is absent. */
    private Map<String, Object> mappedInputs(TaskSnapshot task) {
        if (task.dependencies().isEmpty()) {
            return Map.of();
        }
        List<UUID> parents = task.dependencies().stream().map(DependencySnapshot::taskId).toList();
        Map<UUID, Map<String, Object>> outputs = new HashMap<>();
        jdbc.query("SELECT task_id, outputs FROM last_success WHERE task_id IN (:parents)",
                new MapSqlParameterSource("parents", parents), rs -> {
                    @SuppressWarnings("unchecked")
                    Map<String, Object> values = Json.decode(rs.getString("outputs"), Map.class);
                    outputs.put(uuid(rs, "task_id"), values == null ? Map.of() : values);
                });
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

    private Optional<ArmedSchedule> arm(TaskSnapshot task, ScheduleSnapshot schedule, Instant firedThrough,
                                        int partition) {
        CronSchedule cron;
        try {
            cron = CronSchedule.parse(schedule.cron(), schedule.timeZone());
        } catch (IllegalArgumentException e) {
            log.warn("schedule {} of task {} is not armed: {}", schedule.scheduleId(), task.name(), e.getMessage());
            return Optional.empty();
        }
        int limit = task.catchUpLimit() != null ? task.catchUpLimit() : DEFAULT_CATCH_UP_LIMIT;
        return Optional.of(new ArmedSchedule(task.taskId(), schedule.scheduleId(), cron,
                task.misfirePolicy(), limit, firedThrough, partition));
    }

    private void insertState(UUID taskId, UUID scheduleId, Instant createdAt) {
        jdbc.update("INSERT INTO schedule_state (task_id, schedule_id, created_at) VALUES (:task, :schedule, :created)",
                new MapSqlParameterSource("task", taskId).addValue("schedule", scheduleId)
                        .addValue("created", OffsetDateTime.ofInstant(createdAt, ZoneOffset.UTC)));
    }

    private void deleteStates(UUID taskId) {
        jdbc.update("DELETE FROM schedule_state WHERE task_id = :task", new MapSqlParameterSource("task", taskId));
    }

    private static TaskRow taskRow(ResultSet rs) throws SQLException {
        int partition = rs.getInt("kafka_partition");
        if (rs.wasNull()) {
            partition = -1;
        }
        return new TaskRow(uuid(rs, "task_id"), Json.decode(rs.getString("snapshot"), TaskSnapshot.class),
                rs.getObject("updated_at", OffsetDateTime.class).toInstant(), partition);
    }

    private static Instant firedThrough(ResultSet rs) throws SQLException {
        OffsetDateTime last = rs.getObject("last_fire_at", OffsetDateTime.class);
        return last != null ? last.toInstant() : rs.getObject("created_at", OffsetDateTime.class).toInstant();
    }

    private static UUID uuid(ResultSet rs, String column) throws SQLException {
        return rs.getObject(column, UUID.class);
    }

    private record TaskRow(UUID taskId, TaskSnapshot snapshot, Instant updatedAt, int partition) {
    }
}
