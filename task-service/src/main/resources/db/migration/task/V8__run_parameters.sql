-- The effective parameters the dispatcher created each run with (vault references unresolved), as JSON text. NULL
-- for runs whose events carried none: those created before the events had them, and those with no parameters.
ALTER TABLE task_run ADD COLUMN parameters TEXT;
