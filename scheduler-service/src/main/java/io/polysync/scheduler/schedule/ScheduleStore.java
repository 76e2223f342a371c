package io.polysync.scheduler.schedule;

import io.polysync.model.event.TaskDefinitionChanged;

import java.time.Instant;
import java.util.Collection;
import java.util.List;
import java.util.UUID;

/** Where schedule state lives. Every method is one transaction; any replica may call any of them at any time. */
public interface ScheduleStore {

    /** The schedules of every task whose definition is on one of {@code partitions}. */
    List<ArmedSchedule> loadPartitions(Collection<Integer> partitions);

    /**
     * Records a definition that arrived on {@code partition}: remembers the partition, creates state for new
     * schedules (their history starts at the definition's save time) and forgets removed ones.
     *
     * @return the task's schedules as they now are (from its latest definition; empty for a task that is gone)
     */
    List<ArmedSchedule> definitionChanged(TaskDefinitionChanged changed, int partition);

    /** Forgets every schedule of a deleted task. */
    void taskDeleted(UUID taskId);

    /**
     * Locks the schedule's state, drops the instants already fired (by any replica), publishes one SCHEDULE trigger
     * per remaining instant through the outbox and records the latest as fired — all in one transaction.
     */
    FireResult fire(UUID taskId, UUID scheduleId, List<Instant> instants);

    /**
     * @param gone         the schedule no longer exists (task deleted or schedule removed): drop its timer
     * @param fired        the instants this call published
     * @param firedThrough the schedule's last fired instant after the call
     */
    record FireResult(boolean gone, List<Instant> fired, Instant firedThrough) {

        static FireResult scheduleGone() {
            return new FireResult(true, List.of(), null);
        }
    }
}
