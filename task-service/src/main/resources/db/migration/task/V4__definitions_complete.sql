-- Contention profiles: shared limits tasks opt into by name. At least one of the two limits is set; the rate limit
-- is `rate_limit_runs` admissions per sliding window of `rate_limit_per_millis` (DESIGN.md section 10 rule 22).
-- Tasks reference profiles by name (task_contention_profile.profile_name); the service checks that they exist and
-- refuses to delete a profile a task uses.
CREATE TABLE contention_profile (
    id                    UUID                     PRIMARY KEY,
    name                  VARCHAR(63)              NOT NULL,
    max_concurrent        INTEGER,
    rate_limit_runs       INTEGER,
    rate_limit_per_millis BIGINT,
    created_at            TIMESTAMP WITH TIME ZONE NOT NULL,
    updated_at            TIMESTAMP WITH TIME ZONE NOT NULL,
    row_version           BIGINT                   NOT NULL,
    CONSTRAINT contention_profile_name_unique UNIQUE (name),
    CONSTRAINT contention_profile_has_a_limit CHECK (max_concurrent IS NOT NULL OR rate_limit_runs IS NOT NULL),
    CONSTRAINT contention_profile_rate_complete
        CHECK ((rate_limit_runs IS NULL AND rate_limit_per_millis IS NULL)
            OR (rate_limit_runs IS NOT NULL AND rate_limit_per_millis IS NOT NULL))
);

-- "Which tasks use this profile" answers GET /contention-profiles/{name} and the 409 on delete.
CREATE INDEX task_contention_profile_by_name ON task_contention_profile (profile_name);

