package io.polysync.dispatcher.ledger;

import org.springframework.stereotype.Component;

import java.time.Instant;

/**
 * Since when this dispatcher has been reading worker reports: set whenever it is assigned partitions of
 * {@code polysync.worker-reports} (at start-up, after a rebalance). Silence before that instant says nothing about
 * a worker, only that no one was reading: heartbeats and RunStarted reports may wait unread on the topic while the
 * dispatcher was down, restarting or being handed the partition, so the {@link LeaseReaper} counts a lease or a
 * start timeout from here at the earliest.
 */
@Component
public class ReportReading {

    private volatile Instant since;

    /** Partitions of worker-reports were (newly) assigned at {@code at}. */
    public void began(Instant at) {
        since = at;
    }

    /** When reading began, or null while this dispatcher has never been assigned a worker-reports partition. */
    public Instant since() {
        return since;
    }
}
