package io.polysync.worker.messaging;

import io.polysync.model.Json;
import io.polysync.model.Topics;
import io.polysync.model.event.RunDispatched;
import io.polysync.model.run.TriggerType;
import io.polysync.model.task.PlatformSnapshot;
import io.polysync.runtime.kafka.DeadLetterMetrics;
import io.polysync.worker.config.WorkerProperties;
import io.polysync.worker.execution.ReportNotDeliveredException;
import io.polysync.worker.execution.RunExecution;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.clients.consumer.MockConsumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.TopicPartition;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.mockito.ArgumentCaptor;
import org.springframework.kafka.core.ConsumerFactory;
import org.springframework.kafka.core.KafkaTemplate;

import java.time.Duration;
import java.time.Instant;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.mockito.ArgumentMatchers.any;
import static org.mockito.ArgumentMatchers.anyBoolean;
import static org.mockito.ArgumentMatchers.eq;
import static org.mockito.Mockito.doAnswer;
import static org.mockito.Mockito.mock;
import static org.mockito.Mockito.never;
import static org.mockito.Mockito.times;
import static org.mockito.Mockito.verify;
import static org.mockito.Mockito.when;

/** A slot while its run executes, driven through a mock consumer whose rebalances run inside the slot's polls. */
class RunSlotsTest {

    private static final TopicPartition NORMAL = new TopicPartition(Topics.RUNS_NORMAL, 0);
    private static final TopicPartition HIGH = new TopicPartition(Topics.RUNS_HIGH, 0);

    private final RecordingConsumer consumer = new RecordingConsumer();
    private final RunExecution execution = mock(RunExecution.class);
    private final CountDownLatch started = new CountDownLatch(1);
    private final CountDownLatch release = new CountDownLatch(1);
    private final AtomicReference<String> executingThread = new AtomicReference<>();
    private RunSlots slots;

    @AfterEach
    void stopSlots() {
        release.countDown();
        if (slots != null) {
            slots.stop();
        }
    }

    @Test
    void aSlotKeepsPollingWhileItsRunExecutesAndCommitsPastTheRunWhenItsPartitionIsRevoked() throws Exception {
        RunDispatched run = new RunDispatched(UUID.randomUUID(), UUID.randomUUID(), "slot-test", 1, TriggerType.MANUAL,
                "noop", new PlatformSnapshot(UUID.randomUUID(), "nowhere", "http", Map.of()), Map.of(), null, 50, 1,
                Instant.now());
        doAnswer(invocation -> {
            executingThread.set(Thread.currentThread().getName());
            started.countDown();
            release.await();
            return CompletableFuture.completedFuture(null);
        }).when(execution).execute(any(), anyBoolean());
        slots = slots();
        slots.start();
        await().atMost(Duration.ofSeconds(10)).until(() -> !consumer.subscription().isEmpty());

        consumer.schedulePollTask(() -> {
            consumer.rebalance(List.of(NORMAL));
            consumer.addRecord(new ConsumerRecord<>(NORMAL.topic(), NORMAL.partition(), 0, "k", Json.encode(run)));
        });
        assertThat(started.await(10, TimeUnit.SECONDS)).isTrue();
        assertThat(executingThread.get()).isEqualTo("polysync-run-0");

        consumer.schedulePollTask(() -> consumer.rebalance(List.of(NORMAL, HIGH)));
        await().atMost(Duration.ofSeconds(10)).until(() -> consumer.paused().containsAll(List.of(NORMAL, HIGH)));

        consumer.schedulePollTask(() -> consumer.rebalance(List.of(HIGH)));
        await().atMost(Duration.ofSeconds(10)).until(() -> !consumer.commits.isEmpty());
        assertThat(consumer.commits).containsExactly(Map.of(NORMAL, new OffsetAndMetadata(1)));

        release.countDown();
        slots.stop();

        verify(execution, times(1)).execute(any(), anyBoolean());
        // committed at the revocation; committing again would overwrite what the partition's next owner committed
        assertThat(consumer.commits).containsExactly(Map.of(NORMAL, new OffsetAndMetadata(1)));
    }

    @Test
    @SuppressWarnings("unchecked")
    void aRunRecordOfTheWrongShapeIsDeadLetteredAndNeverExecuted() throws Exception {
        KafkaTemplate<String, String> kafka = mock(KafkaTemplate.class);
        when(kafka.send(any(String.class), any(), any())).thenReturn(CompletableFuture.completedFuture(null));
        slots = slots(kafka);
        slots.start();
        await().atMost(Duration.ofSeconds(10)).until(() -> !consumer.subscription().isEmpty());

        consumer.schedulePollTask(() -> {
            consumer.rebalance(List.of(NORMAL));
            consumer.addRecord(new ConsumerRecord<>(NORMAL.topic(), NORMAL.partition(), 0, "k",
                    "{\"unexpected\":\"shape\"}"));
        });
        await().atMost(Duration.ofSeconds(10)).until(() -> !consumer.commits.isEmpty());

        verify(kafka).send(Topics.deadLetter(Topics.RUNS_NORMAL), "k", "{\"unexpected\":\"shape\"}");
        assertThat(consumer.commits).containsExactly(Map.of(NORMAL, new OffsetAndMetadata(1)));
        verify(execution, never()).execute(any(), anyBoolean());
    }

    @Test
    void aBatchIsCommittedUpToItsFirstRunNotReportedAndThatRunIsDeliveredAgain() throws Exception {
        List<RunDispatched> runs = List.of(run(), run(), run());
        when(execution.execute(any(), anyBoolean())).thenAnswer(invocation -> {
            RunDispatched run = invocation.getArgument(0);
            return run.equals(runs.get(1))
                    ? CompletableFuture.failedFuture(new ReportNotDeliveredException("broker away", null))
                    : CompletableFuture.completedFuture(null);
        });
        slots = slots();
        slots.start();
        await().atMost(Duration.ofSeconds(10)).until(() -> !consumer.subscription().isEmpty());

        consumer.schedulePollTask(() -> {
            consumer.rebalance(List.of(NORMAL));
            for (int i = 0; i < runs.size(); i++) {
                consumer.addRecord(new ConsumerRecord<>(NORMAL.topic(), NORMAL.partition(), i, "k",
                        Json.encode(runs.get(i))));
            }
        });
        await().atMost(Duration.ofSeconds(10)).until(() -> !consumer.commits.isEmpty());

        // the first run's outcome is acknowledged, the second's not: the batch stops, the second comes again
        assertThat(consumer.commits).containsExactly(Map.of(NORMAL, new OffsetAndMetadata(1)));
        assertThat(consumer.position(NORMAL)).isEqualTo(1);
        verify(execution, times(1)).execute(eq(runs.get(0)), anyBoolean());
        verify(execution, times(1)).execute(eq(runs.get(1)), anyBoolean());
        verify(execution, never()).execute(eq(runs.get(2)), anyBoolean());
    }

    @Test
    void anIdleSlotPollsWithoutAskingForItsBacklogUntilARunComes() throws Exception {
        when(execution.execute(any(), anyBoolean())).thenReturn(CompletableFuture.completedFuture(null));
        consumer.updateEndOffsets(Map.of(NORMAL, 0L, HIGH, 0L));
        slots = slots();
        slots.start();
        await().atMost(Duration.ofSeconds(10)).until(() -> !consumer.subscription().isEmpty());
        consumer.schedulePollTask(() -> consumer.rebalance(List.of(NORMAL, HIGH)));
        awaitPollsBeyond(consumer.polls.get() + 20);

        // every poll of every partition came back empty, so the backlog is known without the broker's end offsets
        assertThat(consumer.endOffsetCalls.get()).isZero();

        RunDispatched run = run();
        consumer.schedulePollTask(() -> {
            consumer.updateEndOffsets(Map.of(NORMAL, 1L));
            consumer.addRecord(new ConsumerRecord<>(NORMAL.topic(), NORMAL.partition(), 0, "k", Json.encode(run)));
        });
        await().atMost(Duration.ofSeconds(10)).until(() -> !consumer.commits.isEmpty());
        awaitPollsBeyond(consumer.polls.get() + 20);

        // after its batch the slot asked once which bands had work, found none, and was quiet again
        verify(execution, times(1)).execute(eq(run), anyBoolean());
        assertThat(consumer.endOffsetCalls.get()).isEqualTo(1);
    }

    @Test
    void aRunArrivingInABandWithoutWorkIsFetchedWithTheChosenBandAndExecutedFirst() throws Exception {
        List<RunDispatched> executed = new CopyOnWriteArrayList<>();
        when(execution.execute(any(), anyBoolean())).thenAnswer(invocation -> {
            executed.add(invocation.getArgument(0));
            if (executed.size() == 1) {
                started.countDown();
                release.await();
            }
            return CompletableFuture.completedFuture(null);
        });
        // after the first run the normal band still has work and the high band none, as far as the slot can tell
        consumer.updateEndOffsets(Map.of(NORMAL, 3L, HIGH, 0L));
        slots = slots();
        slots.start();
        await().atMost(Duration.ofSeconds(10)).until(() -> !consumer.subscription().isEmpty());
        RunDispatched first = run();
        consumer.schedulePollTask(() -> {
            consumer.rebalance(List.of(NORMAL, HIGH));
            consumer.addRecord(new ConsumerRecord<>(NORMAL.topic(), NORMAL.partition(), 0, "k", Json.encode(first)));
        });
        assertThat(started.await(10, TimeUnit.SECONDS)).isTrue();

        // while the first run executes, two more normal runs and a high-priority one arrive
        List<RunDispatched> normal = List.of(run(), run());
        RunDispatched high = run();
        CountDownLatch arrived = new CountDownLatch(1);
        consumer.schedulePollTask(() -> {
            consumer.addRecord(new ConsumerRecord<>(NORMAL.topic(), NORMAL.partition(), 1, "k",
                    Json.encode(normal.get(0))));
            consumer.addRecord(new ConsumerRecord<>(NORMAL.topic(), NORMAL.partition(), 2, "k",
                    Json.encode(normal.get(1))));
            consumer.addRecord(new ConsumerRecord<>(HIGH.topic(), HIGH.partition(), 0, "k", Json.encode(high)));
            arrived.countDown();
        });
        assertThat(arrived.await(10, TimeUnit.SECONDS)).isTrue();
        release.countDown();
        await().atMost(Duration.ofSeconds(10)).until(() -> executed.size() == 4);

        // the slot chose the normal band, yet the high band stayed fetched, and its run went first in the batch
        assertThat(executed).containsExactly(first, high, normal.get(0), normal.get(1));
    }

    @Test
    @SuppressWarnings("unchecked")
    void aSlotsConsumerFetchesABoundedSliceOfEachPartition() {
        ConsumerFactory<?, ?> factory = consumerFactory();
        slots = new RunSlots(factory, mock(KafkaTemplate.class), execution, properties(50),
                mock(DeadLetterMetrics.class));
        slots.start();
        await().atMost(Duration.ofSeconds(10)).until(() -> !consumer.subscription().isEmpty());

        ArgumentCaptor<Properties> overrides = ArgumentCaptor.forClass(Properties.class);
        verify(factory).createConsumer(any(), any(), eq("-slot-0"), overrides.capture());
        // not Kafka's 1 MiB: what a batch leaves untaken is sought back and fetched again
        assertThat(overrides.getValue().getProperty(ConsumerConfig.MAX_PARTITION_FETCH_BYTES_CONFIG))
                .isEqualTo("65536");
        assertThat(overrides.getValue().getProperty(ConsumerConfig.MAX_POLL_RECORDS_CONFIG)).isEqualTo("50");
    }

    @Test
    void aLargerPollGetsAKibibyteARunAndTheSizeNeverOverflows() {
        assertThat(RunSlots.partitionFetchBytes(1)).isEqualTo(64 * 1024);
        assertThat(RunSlots.partitionFetchBytes(64)).isEqualTo(64 * 1024);
        assertThat(RunSlots.partitionFetchBytes(500)).isEqualTo(500 * 1024);
        assertThat(RunSlots.partitionFetchBytes(Integer.MAX_VALUE)).isEqualTo(Integer.MAX_VALUE);
    }

    private void awaitPollsBeyond(int polls) {
        await().atMost(Duration.ofSeconds(10)).until(() -> consumer.polls.get() > polls);
    }

    private static RunDispatched run() {
        return new RunDispatched(UUID.randomUUID(), UUID.randomUUID(), "slot-test", 1, TriggerType.MANUAL,
                "noop", new PlatformSnapshot(UUID.randomUUID(), "nowhere", "http", Map.of()), Map.of(), null, 50, 1,
                Instant.now());
    }

    private RunSlots slots() {
        return slots(mock(KafkaTemplate.class));
    }

    private RunSlots slots(KafkaTemplate<String, String> kafka) {
        return new RunSlots(consumerFactory(), kafka, execution, properties(50), mock(DeadLetterMetrics.class));
    }

    /** Hands every slot the test's one recording consumer. */
    @SuppressWarnings({"unchecked", "rawtypes"})
    private ConsumerFactory<?, ?> consumerFactory() {
        ConsumerFactory factory = mock(ConsumerFactory.class);
        when(factory.createConsumer(any(), any(), any(), any(Properties.class))).thenReturn(consumer);
        return factory;
    }

    private static WorkerProperties properties(int runsPerPoll) {
        return new WorkerProperties("slot-test", 1, Duration.ofSeconds(5), Duration.ofSeconds(5),
                new WorkerProperties.Shell(Duration.ofSeconds(1)), null, null, null, 0.1, Duration.ofSeconds(5),
                runsPerPoll);
    }

    /** Remembers every commit the slot makes. */
    private static final class RecordingConsumer extends MockConsumer<String, String> {

        final List<Map<TopicPartition, OffsetAndMetadata>> commits = new CopyOnWriteArrayList<>();
        final AtomicInteger polls = new AtomicInteger();
        final AtomicInteger endOffsetCalls = new AtomicInteger();

        RecordingConsumer() {
            super("earliest");
            updateBeginningOffsets(Map.of(NORMAL, 0L, HIGH, 0L));
            updateEndOffsets(Map.of(NORMAL, 3L, HIGH, 0L));
        }

        @Override
        public synchronized void commitSync(Map<TopicPartition, OffsetAndMetadata> offsets) {
            commits.add(Map.copyOf(offsets));
            super.commitSync(offsets);
        }

        @Override
        public synchronized ConsumerRecords<String, String> poll(Duration timeout) {
            polls.incrementAndGet();
            return super.poll(timeout);
        }

        @Override
        public synchronized Map<TopicPartition, Long> endOffsets(Collection<TopicPartition> partitions,
                                                                 Duration timeout) {
            endOffsetCalls.incrementAndGet();
            return super.endOffsets(partitions, timeout);
        }
    }
}
