package io.polysync.runtime;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

import java.time.Duration;

/**
 * Settings shared by every service's runtime plumbing.
 *
 * @param partitions        partitions of each Polysync topic when this service creates it
 * @param replicationFactor replication factor of each topic it creates
 * @param outbox            the transactional outbox relay
 * @param lagMonitor        the consumer lag monitor (one process of the system runs it: the dispatcher)
 * @param maintenance       vacuum and analyze of the service's own tables while autovacuum is off
 * @param listenerCommitInterval how often a listener container commits the offsets of the polls it handled
 *                          (spring-kafka's {@code AckMode.TIME}); 0 commits after every poll. Containers configured
 *                          with an ack mode of their own keep it
 */
@ConfigurationProperties("polysync.runtime")
public record RuntimeProperties(
        @DefaultValue("6") int partitions,
        @DefaultValue("1") short replicationFactor,
        @DefaultValue Outbox outbox,
        @DefaultValue LagMonitor lagMonitor,
        @DefaultValue Maintenance maintenance,
        @DefaultValue("1s") Duration listenerCommitInterval) {

    public RuntimeProperties {
        if (listenerCommitInterval.isNegative()) {
            throw new IllegalArgumentException(
                    "polysync.runtime.listener-commit-interval must not be negative, was " + listenerCommitInterval);
        }
    }

    /**
     * @param batchSize     rows the relay sends before awaiting their acknowledgements, claims per sweep transaction,
     *                      and deletes per transaction
     * @param sweepInterval how often the relay claims rows from the table that no commit handed it (rows a crash, a
     *                      failed send or a dead replica left unsent)
     * @param sendTimeout   how long the relay waits for the broker to acknowledge a batch before it tries again
     * @param enabled       whether this process publishes its outbox (tests of a crash before publishing turn it off)
     * @param metricsInterval how often the backlog gauges are read from the table
     * @param haltAfterCommits test-only fault injection (DESIGN.md section 10 rule 25): when above 0, the process halts
     *                        (no shutdown hooks, like {@code kill -9}) right after the Nth transaction that wrote the
     *                        outbox commits, before the relay is woken to publish it; 0, the default, never halts
     */
    public record Outbox(
            @DefaultValue("500") int batchSize,
            @DefaultValue("1s") Duration sweepInterval,
            @DefaultValue("30s") Duration sendTimeout,
            @DefaultValue("true") boolean enabled,
            @DefaultValue("5s") Duration metricsInterval,
            @DefaultValue("0") int haltAfterCommits) {
    }

    /**
     * @param enabled        whether this process reports the lag of every Polysync consumer group
     * @param interval       how often it reads offsets and group membership from the broker
     * @param excludedGroups groups not reported (regex): the per-instance worker-commands groups, whose names are
     *                       unbounded and whose abandoned groups would show growing lag for ever
     */
    public record LagMonitor(
            @DefaultValue("false") boolean enabled,
            @DefaultValue("10s") Duration interval,
            @DefaultValue("polysync-worker-commands-.+") String excludedGroups) {
    }

    /**
     * @param enabled  whether this service vacuums and analyzes its own tables while the database's autovacuum is off
     *                 (see {@link io.polysync.runtime.maintenance.TableMaintenance}); it never does while it is on
     * @param interval how often it checks the database's setting and its tables' activity counters
     */
    public record Maintenance(
            @DefaultValue("true") boolean enabled,
            @DefaultValue("15s") Duration interval) {
    }
}
