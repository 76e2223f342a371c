package io.polysync.runtime.kafka;

import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.kafka.config.ContainerCustomizer;
import org.springframework.kafka.listener.ConcurrentMessageListenerContainer;

/**
 * The listener containers commit a poll's offsets asynchronously: the next poll does not wait for the group
 * coordinator's answer.
 *
 * <p>Why: with the default synchronous commit every listener thread waited, after each poll, for the offsets' write to
 * {@code __consumer_offsets}, and a record arriving meanwhile waited with it, on every hop a run makes. In a wall-clock
 * profile of the standalone (hand-off benchmark with its warm-up), the scheduler's run-events thread spent 18 % of its
 * time in that wait, more than in its database commits (8 %).
 *
 * <p>What it costs: after a crash, or a rebalance that overtakes a commit in flight, a few more records are delivered
 * again than before. Every consumer already absorbs redelivery (DESIGN.md section 4: records carry the ids that
 * deduplicate them; the ledger's transitions are guarded), since a synchronous commit never closed that window
 * either: a process can die between its database commit and its offset commit. A commit that fails is superseded by
 * the next poll's, which carries the later offsets. And at saturation, smaller batches: without the commit's wait a
 * listener's polls return fewer records, so there are more transactions per run. In two alternating pairs of
 * distributed throughput runs that cost about a tenth of the completion rate; the standalone did not lose (README,
 * Performance).
 */
@Configuration(proxyBeanMethods = false)
public class ListenerCommitConfiguration {

    @Bean
    public ContainerCustomizer<Object, Object, ConcurrentMessageListenerContainer<Object, Object>>
            polysyncAsyncCommits() {
        return container -> container.getContainerProperties().setSyncCommits(false);
    }
}
