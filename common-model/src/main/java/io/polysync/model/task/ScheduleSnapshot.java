package io.polysync.model.task;

import java.util.UUID;

/** One cron schedule of a task, with its own time zone. */
public record ScheduleSnapshot(UUID scheduleId, String cron, String timeZone) {
}
