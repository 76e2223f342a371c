-- Definitions owned by the task-service. JSON values are TEXT (PostgreSQL and H2 alike); names are immutable ids.
-- row_version is the optimistic lock of edits (PUT comes with the definitions issue).

CREATE TABLE platform (
    id            UUID                     PRIMARY KEY,
    name          VARCHAR(63)              NOT NULL,
    platform_type VARCHAR(32)              NOT NULL,
    config        TEXT                     NOT NULL,
    created_at    TIMESTAMP WITH TIME ZONE NOT NULL,
    updated_at    TIMESTAMP WITH TIME ZONE NOT NULL,
    row_version   BIGINT                   NOT NULL,
    CONSTRAINT platform_name_unique UNIQUE (name)
);

CREATE TABLE job (
    id               UUID                     PRIMARY KEY,
    name             VARCHAR(63)              NOT NULL,
    platform_id      UUID                     NOT NULL REFERENCES platform (id),
    job_type         VARCHAR(100)             NOT NULL,
    parameter_schema TEXT                     NOT NULL,
    defaults         TEXT                     NOT NULL,
    outputs          TEXT                     NOT NULL,
    created_at       TIMESTAMP WITH TIME ZONE NOT NULL,
    updated_at       TIMESTAMP WITH TIME ZONE NOT NULL,
    row_version      BIGINT                   NOT NULL,
    CONSTRAINT job_name_unique UNIQUE (name)
);
CREATE INDEX job_by_platform ON job (platform_id);

CREATE TABLE task (
    id                          UUID                     PRIMARY KEY,
    name                        VARCHAR(63)              NOT NULL,
    job_id                      UUID                     NOT NULL REFERENCES job (id),
    parameters                  TEXT                     NOT NULL,
    priority                    INTEGER                  NOT NULL,
    misfire_policy              VARCHAR(16)              NOT NULL,
    catch_up_limit              INTEGER,
    retry_enabled               BOOLEAN                  NOT NULL,
    retry_max_attempts          INTEGER                  NOT NULL,
    retry_backoff               VARCHAR(16)              NOT NULL,
    retry_initial_delay_seconds BIGINT                   NOT NULL,
    retry_max_delay_seconds     BIGINT,
    retry_jitter                BOOLEAN                  NOT NULL,
    execution_timeout_seconds   BIGINT,
    max_concurrent_runs         INTEGER,
    definition_version          BIGINT                   NOT NULL,
    created_at                  TIMESTAMP WITH TIME ZONE NOT NULL,
    updated_at                  TIMESTAMP WITH TIME ZONE NOT NULL,
    row_version                 BIGINT                   NOT NULL,
    CONSTRAINT task_name_unique UNIQUE (name),
    CONSTRAINT task_priority_range CHECK (priority BETWEEN 0 AND 100)
);
CREATE INDEX task_by_job ON task (job_id);

-- A schedule keeps its id while it exists: the scheduler derives trigger ids from it.
CREATE TABLE task_schedule (
    id        UUID         PRIMARY KEY,
    task_id   UUID         NOT NULL REFERENCES task (id) ON DELETE CASCADE,
    ordinal   INTEGER      NOT NULL,
    cron      VARCHAR(200) NOT NULL,
    time_zone VARCHAR(64)  NOT NULL
);
CREATE INDEX task_schedule_by_task ON task_schedule (task_id);

-- Upstream tasks; the foreign key on parent_task_id is what makes deleting a referenced task a 409.
CREATE TABLE task_dependency (
    id             UUID    PRIMARY KEY,
    task_id        UUID    NOT NULL REFERENCES task (id) ON DELETE CASCADE,
    parent_task_id UUID    NOT NULL REFERENCES task (id),
    ordinal        INTEGER NOT NULL,
    mappings       TEXT    NOT NULL,
    CONSTRAINT task_dependency_unique UNIQUE (task_id, parent_task_id)
);
CREATE INDEX task_dependency_by_parent ON task_dependency (parent_task_id);

-- Contention profiles by name until profiles are their own resource.
CREATE TABLE task_contention_profile (
    task_id      UUID        NOT NULL REFERENCES task (id) ON DELETE CASCADE,
    ordinal      INTEGER     NOT NULL,
    profile_name VARCHAR(63) NOT NULL,
    PRIMARY KEY (task_id, ordinal)
);

-- Every saved definition of a task, exactly as published to polysync.task-definitions.
CREATE TABLE task_version (
    task_id    UUID                     NOT NULL REFERENCES task (id) ON DELETE CASCADE,
    version    BIGINT                   NOT NULL,
    snapshot   TEXT                     NOT NULL,
    created_at TIMESTAMP WITH TIME ZONE NOT NULL,
    PRIMARY KEY (task_id, version)
);

-- The read model of runs, fed by polysync.run-events and by Run Once. Not tied to task rows by a foreign key:
-- runs outlive the definitions they ran.
CREATE TABLE task_run (
    run_id             UUID                     PRIMARY KEY,
    task_id            UUID                     NOT NULL,
    task_name          VARCHAR(63)              NOT NULL,
    state              VARCHAR(16)              NOT NULL,
    trigger_type       VARCHAR(16)              NOT NULL,
    attempt            INTEGER                  NOT NULL,
    retry_of           UUID,
    retried_by         UUID,
    next_retry_at      TIMESTAMP WITH TIME ZONE,
    queued_at          TIMESTAMP WITH TIME ZONE NOT NULL,
    started_at         TIMESTAMP WITH TIME ZONE,
    finished_at        TIMESTAMP WITH TIME ZONE,
    scheduled_for      TIMESTAMP WITH TIME ZONE,
    outputs            TEXT                     NOT NULL,
    error_reason       VARCHAR(32),
    error_message      TEXT,
    error_retryable    BOOLEAN,
    requested_by       VARCHAR(200),
    waiting_reason     TEXT,
    definition_version BIGINT                   NOT NULL,
    updated_at         TIMESTAMP WITH TIME ZONE NOT NULL,
    row_version        BIGINT                   NOT NULL
);
CREATE INDEX task_run_newest_first ON task_run (queued_at, run_id);
CREATE INDEX task_run_by_task ON task_run (task_id, queued_at);
CREATE INDEX task_run_by_state ON task_run (state, queued_at);

-- state is set on TRANSITION entries only, so the unique constraint allows one entry per state and run while
-- WAITING and NOTE entries (state NULL, and NULLs are distinct) may repeat.
CREATE TABLE task_run_history (
    id          BIGINT GENERATED BY DEFAULT AS IDENTITY PRIMARY KEY,
    run_id      UUID                     NOT NULL REFERENCES task_run (run_id) ON DELETE CASCADE,
    kind        VARCHAR(16)              NOT NULL,
    state       VARCHAR(16),
    occurred_at TIMESTAMP WITH TIME ZONE NOT NULL,
    reason      TEXT,
    CONSTRAINT task_run_history_one_per_state UNIQUE (run_id, state)
);
