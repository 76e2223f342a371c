-- The status history keeps its runs by construction, not by a foreign key: the ledger writes a run's history rows in
-- the transactions that create and change the run, and nothing deletes runs. The key's check cost every history row
-- a trigger and a KEY SHARE lock on its run (34 µs a row in pg_stat_statements against 7 µs for the outbox's insert,
-- four rows a run), a fifth of PostgreSQL's time on the hot path.
ALTER TABLE status_history DROP CONSTRAINT fk_status_history_run;
