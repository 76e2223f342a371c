-- Which partition of polysync.task-definitions carries each task: a replica fires the schedules of the tasks on the
-- partitions its definitions consumer owns, and loads them from here when a partition is assigned to it.
ALTER TABLE task_view ADD COLUMN kafka_partition INTEGER;
CREATE INDEX task_view_kafka_partition ON task_view (kafka_partition);

-- One row per schedule of a task. Firing locks the row, so of two replicas that both believe they own a schedule
-- one fires each instant and the other sees last_fire_at and skips. created_at is the save time of the definition
-- that introduced the schedule: instants before it are never fired.
CREATE TABLE schedule_state (
    task_id      UUID                     NOT NULL,
    schedule_id  UUID                     NOT NULL,
    created_at   TIMESTAMP WITH TIME ZONE NOT NULL,
    last_fire_at TIMESTAMP WITH TIME ZONE,
    PRIMARY KEY (task_id, schedule_id)
);
