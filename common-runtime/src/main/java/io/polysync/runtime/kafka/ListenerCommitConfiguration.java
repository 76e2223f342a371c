package io.polysync.runtime.kafka;

import io.polysync.runtime.RuntimeProperties;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.kafka.config.ContainerCustomizer;
import org.springframework.kafka.listener.ConcurrentMessageListenerContainer;
import org.springframework.kafka.listener.ContainerProperties;
import org.springframework.kafka.listener.ContainerProperties.AckMode;

/**
 * The listener containers commit offsets asynchronously, and at most once per
 * {@code polysync.runtime.listener-commit-interval} (1 s), not after every poll.
 *
 * <p>Why asynchronously: with the default synchronous commit every listener thread waited, after each poll, for the
 * offsets' write to {@code __consumer_offsets}, and a record arriving meanwhile waited with it, on every hop a run
 * makes. In a wall-clock profile of the standalone (hand-off benchmark with its warm-up), the scheduler's run-events
 * thread spent 18 % of its time in that wait, more than in its database commits (8 %).
 *
 * <p>Why once a second: at low load a poll holds one record, so a commit per poll was a commit request per record on
 * every hop, each an append to {@code __consumer_offsets} by the group coordinator. In a CPU profile of the standalone
 * at 50 runs/s, those commits (the listeners' {@code commitAsync}, the broker's OffsetCommit handling and its group
 * coordinator thread) took about 5 % of the JVM's CPU. spring-kafka's {@code AckMode.TIME} commits what the polls
 * handled on the first poll after the interval; it also commits what is pending when partitions are revoked and
 * when the container stops, so only a crash leaves more uncommitted than before.
 *
 * <p>What it costs: after a crash, or a rebalance that overtakes a commit in flight, up to an interval's records (plus
 * one idle poll, 5 s, when they were the last) are delivered again. Every consumer already absorbs redelivery
 * (DESIGN.md section 4: records carry the ids that deduplicate them; the ledger's transitions are guarded), since a
 * commit after every poll never closed that window either: a process can die between its database commit and its
 * offset commit. A commit that fails is superseded by the next, which carries later offsets. The consumer lag gauge
 * reads committed offsets, so it now shows up to an interval's records while the group keeps up. A container with an
 * ack mode of its own (the worker's commands listener commits each record) keeps it.
 */
@Configuration(proxyBeanMethods = false)
public class ListenerCommitConfiguration {

    @Bean
    public ContainerCustomizer<Object, Object, ConcurrentMessageListenerContainer<Object, Object>>
            polysyncListenerCommits(RuntimeProperties properties) {
        long interval = properties.listenerCommitInterval().toMillis();
        return container -> {
            ContainerProperties settings = container.getContainerProperties();
            settings.setSyncCommits(false);
            if (interval > 0 && settings.getAckMode() == AckMode.BATCH) {
                settings.setAckMode(AckMode.TIME);
                settings.setAckTime(interval);
            }
        };
    }
}
