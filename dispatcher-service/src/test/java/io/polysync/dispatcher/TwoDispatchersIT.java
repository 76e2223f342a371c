package io.polysync.dispatcher;

import io.polysync.dispatcher.ledger.TaskRun;
import io.polysync.dispatcher.support.DispatcherIntegrationTest;
import io.polysync.model.Topics;
import io.polysync.model.event.RunStarted;
import io.polysync.model.event.RunSucceeded;
import io.polysync.model.run.RunState;
import io.polysync.model.task.ContentionProfileSnapshot;
import io.polysync.model.task.TaskSnapshot;
import org.junit.jupiter.api.Test;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.kafka.config.KafkaListenerEndpointRegistry;

import java.time.Duration;
import java.time.Instant;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.stream.IntStream;

import static io.polysync.dispatcher.support.Fixtures.aProfile;
import static io.polysync.dispatcher.support.Fixtures.aTask;
import static io.polysync.dispatcher.support.Fixtures.aTriggerOf;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/** A second dispatcher on the same schema and consumer groups: two replicas sharing one profile's permits. */
class TwoDispatchersIT extends DispatcherIntegrationTest {

    @Test
    void twoReplicasSharingAProfileNeverAdmitMoreThanItsLimit() {
        try (ConfigurableApplicationContext second = secondDispatcher()) {
            // triggers go out once the group has rebalanced, so both replicas queue and admit some of them
            await().atMost(Duration.ofSeconds(60)).until(() -> second.getBean(KafkaListenerEndpointRegistry.class)
                    .getListenerContainers().stream().anyMatch(c -> c.getListenerId() != null
                            && c.getAssignedPartitions() != null && !c.getAssignedPartitions().isEmpty()
                            && c.getAssignedPartitions().iterator().next().topic().equals(Topics.TRIGGERS)));
            ContentionProfileSnapshot shared = aProfile("replicas-" + UUID.randomUUID().toString().substring(0, 8),
                    2, null, null);
            List<TaskSnapshot> tasks = IntStream.range(0, 4).mapToObj(i -> aTask().profiles(shared).build())
                    .toList();
            tasks.forEach(this::publishDefinition);
            UUID[] ids = tasks.stream().map(TaskSnapshot::taskId).toArray(UUID[]::new);
            for (int i = 0; i < 3; i++) {
                for (TaskSnapshot task : tasks) {
                    publishTrigger(aTriggerOf(task, "replica-" + i).build());
                }
            }
            await().atMost(Duration.ofSeconds(60)).until(() -> runsOf(ids), r -> r.size() == 12
                    && r.stream().filter(run -> run.waitingReason() != null).count() == 10);

            Set<UUID> started = new HashSet<>();
            while (true) {
                List<TaskRun> now = runsOf(ids);
                assertThat(now.stream().filter(TaskRun::holdsPermits).count()).isLessThanOrEqualTo(2);
                if (now.stream().allMatch(r -> r.state().isTerminal())) {
                    break;
                }
                List<TaskRun> holding = now.stream().filter(TaskRun::holdsPermits).toList();
                if (holding.isEmpty()) {
                    await().atMost(Duration.ofSeconds(30))
                            .until(() -> runsOf(ids).stream().anyMatch(TaskRun::holdsPermits));
                    continue;
                }
                holding.stream().filter(r -> started.add(r.runId()))
                        .forEach(r -> report(new RunStarted(r.runId(), r.taskId(), "w-1", Instant.now())));
                holding.forEach(done -> report(new RunSucceeded(done.runId(), done.taskId(), "w-1", Map.of(),
                        Instant.now())));
                holding.forEach(done -> awaitRun(done.runId(), RunState.SUCCEEDED));
            }
            List<TaskRun> finished = runsOf(ids);
            assertThat(finished).allSatisfy(r -> assertThat(r.state()).isEqualTo(RunState.SUCCEEDED));
            for (TaskRun run : finished) {
                long overlapping = finished.stream().filter(r -> !r.admittedAt().isAfter(run.admittedAt())
                        && r.finishedAt().isAfter(run.admittedAt())).count();
                assertThat(overlapping).isLessThanOrEqualTo(2);
            }
        }
    }
}
