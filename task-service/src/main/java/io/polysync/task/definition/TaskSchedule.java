package io.polysync.task.definition;

import io.polysync.model.task.ScheduleSnapshot;
import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.FetchType;
import jakarta.persistence.Id;
import jakarta.persistence.JoinColumn;
import jakarta.persistence.ManyToOne;
import jakarta.persistence.Table;

import java.util.UUID;

/** One cron schedule of a task. Its id is stable while it exists: the scheduler derives trigger ids from it. */
@Entity
@Table(name = "task_schedule")
public class TaskSchedule {

    @Id
    private UUID id;

    @ManyToOne(fetch = FetchType.LAZY, optional = false)
    @JoinColumn(name = "task_id", nullable = false)
    private Task task;

    @Column(nullable = false)
    private int ordinal;

    @Column(nullable = false)
    private String cron;

    @Column(name = "time_zone", nullable = false)
    private String timeZone;

    protected TaskSchedule() {
    }

    TaskSchedule(UUID id, Task task, int ordinal, String cron, String timeZone) {
        this.id = id;
        this.task = task;
        this.ordinal = ordinal;
        this.cron = cron;
        this.timeZone = timeZone;
    }

    String cron() {
        return cron;
    }

    String timeZone() {
        return timeZone;
    }

    void moveTo(int ordinal) {
        this.ordinal = ordinal;
    }

    ScheduleSnapshot snapshot() {
        return new ScheduleSnapshot(id, cron, timeZone);
    }
}
