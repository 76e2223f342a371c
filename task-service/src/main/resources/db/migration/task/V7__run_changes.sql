-- The UI's live feed asks every second for the runs changed since its last look: one range probe of this index,
-- whichever replica's Kafka consumer applied the change.
CREATE INDEX task_run_by_updated_at ON task_run (updated_at);

-- Filtering by trigger type, newest first, with or without a task.
CREATE INDEX task_run_by_trigger_type ON task_run (trigger_type, queued_at);
