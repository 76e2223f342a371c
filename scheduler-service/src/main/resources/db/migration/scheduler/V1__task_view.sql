-- The scheduler's view of the tasks, rebuilt from polysync.task-definitions: the latest definition of each task.
CREATE TABLE task_view (
    task_id            UUID PRIMARY KEY,
    task_name          VARCHAR(255)             NOT NULL,
    definition_version BIGINT                   NOT NULL,
    snapshot           TEXT                     NOT NULL,
    updated_at         TIMESTAMP WITH TIME ZONE NOT NULL
);

-- The latest successful run of each task: where Run Once and scheduled runs take mapped parent outputs from.
CREATE TABLE last_success (
    task_id     UUID PRIMARY KEY,
    run_id      UUID                     NOT NULL,
    outputs     TEXT                     NOT NULL,
    finished_at TIMESTAMP WITH TIME ZONE NOT NULL
);
