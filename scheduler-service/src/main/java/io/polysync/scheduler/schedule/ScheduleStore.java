package io.polysync.scheduler.schedule;

import io.polysync.scheduler.tasks.DefinitionChange;
import io.polysync.model.task.TaskSnapshot;

import java.time.Instant;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.UUID;

/** Where schedule state lives. Every method is one transaction, or joins the caller's; any replica may call any. */
public interface ScheduleStore {

    /** The schedules of every task whose definition is on one of {@code partitions}. */
    List<ArmedSchedule> loadPartitions(Collection<Integer> partitions);

    /**
     * Records a poll of definition changes (one per task, {@link DefinitionChange#collapse}): forgets the schedules of
     * deleted tasks, creates state for new schedules (their history starts at the definition's save time) and forgets
     * removed ones.
     *
     * @param inForce each defined task's definition now in force (the newest the catalog holds)
     * @return for every task of {@code changes} that has a definition, its schedules as they now are
     */
    Map<UUID, List<ArmedSchedule>> definitionsChanged(List<DefinitionChange> changes, Map<UUID, TaskSnapshot> inForce);

    /**
     * For each of {@code due}, in one transaction: locks the schedules' state rows (in key order, so replicas that
     * overlap cannot deadlock), drops the instants already fired (by any replica), publishes one SCHEDULE trigger per
     * remaining instant through the outbox and records the latest as fired.
     *
     * @return one result per element of {@code due}, in the same order
     */
    List<FireResult> fire(List<Due> due);

    /** The instants of one schedule to fire, ascending. */
    record Due(UUID taskId, UUID scheduleId, List<Instant> instants) {
    }

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
