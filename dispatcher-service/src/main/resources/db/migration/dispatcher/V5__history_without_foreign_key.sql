-- The status history keeps its runs by construction, not by a foreign key: the ledger writes a run's history rows in
-- the transactions that create and change the run, and nothing deletes runs. The key's check cost every history row
-- a trigger and a KEY SHARE lock on its run: 34-38 us a row in pg_stat_statements, against 7.6 us for an outbox
-- insert, four rows a run; 15 % of PostgreSQL's executor time in a throughput run.
ALTER TABLE status_history DROP CONSTRAINT fk_status_history_run;
