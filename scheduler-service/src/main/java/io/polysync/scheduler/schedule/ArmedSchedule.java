package io.polysync.scheduler.schedule;

import io.polysync.model.cron.CronSchedule;
import io.polysync.model.task.MisfirePolicy;

import java.time.Instant;
import java.util.UUID;

/**
 * One schedule of one task, ready for the timer.
 *
 * @param firedThrough the last fired instant, or the save time of the definition that introduced the schedule;
 *                     nothing at or before it is ever fired
 * @param catchUpLimit how many missed instants {@link MisfirePolicy#CATCH_UP} fires at most
 * @param partition    the partition of polysync.task-definitions that carries the task
 */
public record ArmedSchedule(UUID taskId, UUID scheduleId, CronSchedule cron, MisfirePolicy misfirePolicy,
                            int catchUpLimit, Instant firedThrough, int partition) {
}
