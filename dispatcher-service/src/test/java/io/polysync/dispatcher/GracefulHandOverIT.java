package io.polysync.dispatcher;

import io.polysync.dispatcher.support.DispatcherIntegrationTest;
import io.polysync.model.ConsumerGroups;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.ConsumerGroupDescription;
import org.apache.kafka.clients.admin.MemberDescription;
import org.junit.jupiter.api.Test;
import org.springframework.context.ConfigurableApplicationContext;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * A dispatcher that stops gracefully leaves its consumer groups at once (the listener containers close their
 * consumers, which send LeaveGroup), so the other replica takes its partitions at once rather than after the
 * consumer session timeout (10 s, dispatcher-service.yml) and the rebalance that follows it.
 */
class GracefulHandOverIT extends DispatcherIntegrationTest {

    private static final Duration HAND_OVER = Duration.ofSeconds(10);
    /** Listener containers in the dispatcher's default group, one consumer each: triggers, reports, commands. */
    private static final int LISTENERS = 3;
    /** polysync.runtime.partitions */
    private static final int PARTITIONS = 6;

    @Test
    void aStoppingReplicaHandsItsPartitionsToTheOtherWithinSeconds() throws Exception {
        try (Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG,
                System.getProperty("spring.embedded.kafka.brokers")))) {
            ConfigurableApplicationContext second = secondDispatcher();
            try {
                await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(200))
                        .until(() -> membersHolding(admin, ConsumerGroups.DISPATCHER) == 2 * LISTENERS
                                && membersHolding(admin, ConsumerGroups.DISPATCHER_DEFINITIONS) == 2);
            } finally {
                second.close();
            }
            long stopped = System.nanoTime();

            await().atMost(HAND_OVER).pollInterval(Duration.ofMillis(200)).until(() ->
                    describe(admin, ConsumerGroups.DISPATCHER).members().size() == LISTENERS
                            && assigned(admin, ConsumerGroups.DISPATCHER) == LISTENERS * PARTITIONS
                            && describe(admin, ConsumerGroups.DISPATCHER_DEFINITIONS).members().size() == 1
                            && assigned(admin, ConsumerGroups.DISPATCHER_DEFINITIONS) == PARTITIONS);
            assertThat(Duration.ofNanos(System.nanoTime() - stopped)).isLessThan(HAND_OVER);
        }
    }

    /** Members of the group that hold at least one partition. */
    private static long membersHolding(Admin admin, String group) throws Exception {
        List<MemberDescription> members = List.copyOf(describe(admin, group).members());
        return members.stream().filter(m -> !m.assignment().topicPartitions().isEmpty()).count();
    }

    /** Partitions held by the group's members. */
    private static long assigned(Admin admin, String group) throws Exception {
        return describe(admin, group).members().stream().mapToLong(m -> m.assignment().topicPartitions().size()).sum();
    }

    private static ConsumerGroupDescription describe(Admin admin, String group) throws Exception {
        return admin.describeConsumerGroups(List.of(group)).describedGroups().get(group).get(10, TimeUnit.SECONDS);
    }
}
