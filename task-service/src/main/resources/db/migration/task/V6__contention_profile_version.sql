-- Counts the saves that changed a profile's limits; task snapshots embed it so consumers keep the newest limits.
ALTER TABLE contention_profile ADD COLUMN profile_version BIGINT DEFAULT 1 NOT NULL;
