-- Run Once and external triggers map the outputs of each parent's newest SUCCEEDED run: one index probe per parent.
CREATE INDEX task_run_by_task_state ON task_run (task_id, state, finished_at);
