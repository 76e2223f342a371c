-- One row per task the scheduler knows: the lock that serialises all fan-in work for that task as a dependent
-- (SELECT ... FOR UPDATE), so two replicas handling two of its parents at once cannot both miss the completion.
CREATE TABLE fan_in (
    child_task_id       UUID PRIMARY KEY,
    definition_version  BIGINT                   NOT NULL,
    last_trigger_run_id UUID,
    last_triggered_at   TIMESTAMP WITH TIME ZONE
);

-- The reverse index parent -> children, from each dependent's latest definition, with the fan-in state of the edge:
-- the parent's unconsumed success (pending_*) and the last success consumed by a DEPENDENCY trigger (consumed_*).
-- A success not newer than the consumed one is a replay and changes nothing.
CREATE TABLE dependency_edge (
    child_task_id        UUID                     NOT NULL,
    parent_task_id       UUID                     NOT NULL,
    position             INT                      NOT NULL,
    mappings             TEXT                     NOT NULL,
    pending_run_id       UUID,
    pending_outputs      TEXT,
    pending_finished_at  TIMESTAMP WITH TIME ZONE,
    consumed_run_id      UUID,
    consumed_finished_at TIMESTAMP WITH TIME ZONE,
    PRIMARY KEY (child_task_id, parent_task_id),
    CONSTRAINT dependency_edge_child FOREIGN KEY (child_task_id) REFERENCES fan_in (child_task_id) ON DELETE CASCADE
);

CREATE INDEX dependency_edge_parent ON dependency_edge (parent_task_id);

-- Retries waiting for their backoff delay. The failed run is the key, so a replayed failure stores nothing twice;
-- a row is deleted in the transaction that publishes its RETRY trigger.
CREATE TABLE pending_retry (
    failed_run_id      UUID PRIMARY KEY,
    task_id            UUID                     NOT NULL,
    task_name          VARCHAR(255)             NOT NULL,
    attempt            INT                      NOT NULL,
    retry_run_id       UUID                     NOT NULL,
    definition_version BIGINT                   NOT NULL,
    due_at             TIMESTAMP WITH TIME ZONE NOT NULL,
    created_at         TIMESTAMP WITH TIME ZONE NOT NULL
);

CREATE INDEX pending_retry_due ON pending_retry (due_at);
