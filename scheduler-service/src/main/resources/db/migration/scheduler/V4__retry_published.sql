-- A pending retry is kept, marked published, after its RETRY trigger went out: a failure replayed from run-events
-- (a rewound group, a redelivery after a crash) finds it and schedules nothing again. Published rows are pruned once
-- older than any replay can reach back (DueRetryPublisher.PUBLISHED_KEPT, beyond run-events' retention).
ALTER TABLE pending_retry ADD COLUMN published_at TIMESTAMP WITH TIME ZONE;
