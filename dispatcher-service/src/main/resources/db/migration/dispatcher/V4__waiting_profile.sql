-- The profile whose gate a waiting run waits for, so a new run can find older waiting runs it must not overtake
-- with an index lookup instead of scanning every waiting run (cleared on admission and on finishing).
ALTER TABLE task_run ADD COLUMN waiting_profile VARCHAR(255);

CREATE INDEX ix_task_run_waiting_profile ON task_run (waiting_profile, state);
