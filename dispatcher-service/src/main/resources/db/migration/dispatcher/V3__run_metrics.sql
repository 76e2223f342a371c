-- What the run metrics need without a lookup on the hot path: the job type (run duration by job type) and, for
-- DEPENDENCY runs, when the parent run that completed the fan-in finished (dependency hand-off latency).
ALTER TABLE task_run ADD COLUMN job_type VARCHAR(64);
ALTER TABLE task_run ADD COLUMN parent_succeeded_at TIMESTAMP WITH TIME ZONE;
