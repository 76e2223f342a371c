-- Why a queued run is not admitted yet (DESIGN.md section 10 rule 4); null once admitted or finished.
ALTER TABLE task_run ADD COLUMN waiting_reason TEXT;

-- One row per task that ever asked for admission: locked by every admitting transaction of that task, so the count of
-- its admitted, unfinished runs cannot change under a decision, whichever replica makes it.
CREATE TABLE admission_task (
    task_id UUID NOT NULL,
    CONSTRAINT pk_admission_task PRIMARY KEY (task_id)
);

-- The newest limits seen of each contention profile (from TaskSnapshot.profiles). Also the lock row of the profile:
-- admitting transactions lock these rows in name order.
CREATE TABLE contention_profile (
    name            VARCHAR(255) NOT NULL,
    max_concurrent  INTEGER,
    rate_runs       INTEGER,
    rate_per_millis BIGINT,
    version         BIGINT       NOT NULL,
    CONSTRAINT pk_contention_profile PRIMARY KEY (name)
);

-- A permit of a profile held by an admitted run until its terminal state (or LOST): rows, so they survive restarts.
CREATE TABLE profile_permit (
    profile_name VARCHAR(255)             NOT NULL,
    run_id       UUID                     NOT NULL,
    taken_at     TIMESTAMP WITH TIME ZONE NOT NULL,
    CONSTRAINT pk_profile_permit PRIMARY KEY (profile_name, run_id)
);

CREATE INDEX ix_profile_permit_run ON profile_permit (run_id);

-- Admission instants per profile for its sliding-window rate limit (rule 22); older than the window are pruned.
CREATE TABLE admission_stamp (
    profile_name VARCHAR(255)             NOT NULL,
    run_id       UUID                     NOT NULL,
    admitted_at  TIMESTAMP WITH TIME ZONE NOT NULL,
    CONSTRAINT pk_admission_stamp PRIMARY KEY (profile_name, run_id)
);

CREATE INDEX ix_admission_stamp_time ON admission_stamp (profile_name, admitted_at);
CREATE INDEX ix_task_run_admitted ON task_run (task_id, admitted_at);
