package io.polysync.worker.messaging;

import io.polysync.model.Json;
import io.polysync.model.Topics;
import io.polysync.model.event.RunDispatched;
import io.polysync.model.run.Band;
import io.polysync.runtime.kafka.DeadLetterMetrics;
import io.polysync.worker.config.WorkerProperties;
import io.polysync.worker.execution.BandSelector;
import io.polysync.worker.execution.ReportNotDeliveredException;
import io.polysync.worker.execution.RunExecution;
import org.apache.kafka.clients.consumer.Consumer;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRebalanceListener;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.InterruptException;
import org.apache.kafka.common.errors.RebalanceInProgressException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.context.SmartLifecycle;
import org.springframework.kafka.core.ConsumerFactory;
import org.springframework.kafka.core.KafkaTemplate;
import org.springframework.stereotype.Component;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.EnumSet;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * Takes admitted runs from the band topics: {@code polysync.worker.concurrency} slots, each a thread with a consumer
 * of its own in the worker group, executing one run at a time. Before each poll a slot asks its {@link BandSelector}
 * which band to take from and pauses the partitions of the others, so a high-priority run waits at most for the run
 * its slot is executing (DESIGN.md section 10 rule 23). A run's offset is committed only after its outcome was
 * reported (at least once), and always before the next poll that may fetch a run, so a rebalance never loses or
 * repeats a finished run.
 *
 * <p>A slot executes its run on a thread of its own ({@code polysync-run-<i>}) and meanwhile keeps polling with every
 * partition paused, so its consumer stays in the group however long the run takes; runs without an execution timeout
 * may outlast {@code max.poll.interval.ms}, and a consumer that stopped polling would have the uncommitted run
 * delivered, and executed, a second time elsewhere. A record such a poll still returns is sought back, to be
 * delivered again after the run. When the partition of the executing run is revoked meanwhile, the slot commits past
 * the run there and then, so the next owner does not execute it again: this worker holds the run's claim and reports
 * its outcome; should it die before, the dispatcher's lease reaper fails the run LOST and a retry follows.
 *
 * <p>On stop (rule 9) the slots take no more runs, wait up to {@code polysync.worker.shutdown-grace} for the runs
 * they execute, then have the rest interrupted and reported FAILED {@code WORKER_SHUTDOWN}, commit and close.
 */
@Component
public class RunSlots implements SmartLifecycle {

    private static final Logger log = LoggerFactory.getLogger(RunSlots.class);
    private static final List<String> TOPICS = List.of(Topics.RUNS_HIGH, Topics.RUNS_NORMAL, Topics.RUNS_LOW);
    /** How long a slot waits for a run when every band seemed empty; also how quickly an idle slot notices a stop. */
    private static final Duration IDLE_POLL = Duration.ofMillis(500);
    /** How long a slot waits for the band it chose, which had work a moment ago. */
    private static final Duration BAND_POLL = Duration.ofMillis(200);
    /**
     * The most a slot spends, between two polls, on reading the backlog of its partitions. Kept far below
     * max.poll.interval.ms: a slot blocked past it is dropped from the group while it still holds fetched records,
     * and a run it then takes is delivered to another slot too (seen with a 3 s interval and a 5 s budget per call).
     */
    private static final Duration BACKLOG_BUDGET = Duration.ofSeconds(1);
    private static final Duration FETCH_MAX_WAIT = Duration.ofMillis(50);
    private static final Duration MAX_BACKOFF = Duration.ofSeconds(30);
    /** How long a slot waits for its executing run before it polls again to stay in the group. */
    private static final Duration EXECUTING_WAIT = Duration.ofMillis(150);
    /** A slot's poll while its run executes: every partition paused, it only keeps the consumer in the group. */
    private static final Duration EXECUTING_POLL = Duration.ofMillis(100);
    /** Beyond the report timeout and the kill grace: how long interrupted runs may take to report and let go. */
    private static final Duration STOP_ALLOWANCE = Duration.ofSeconds(10);

    private final ConsumerFactory<?, ?> consumers;
    private final KafkaTemplate<String, String> kafka;
    private final RunExecution execution;
    private final WorkerProperties properties;
    private final DeadLetterMetrics deadLetters;
    private final List<Thread> threads = new ArrayList<>();
    private final List<ExecutorService> runThreads = new ArrayList<>();
    private volatile boolean running;

    public RunSlots(ConsumerFactory<?, ?> consumers, KafkaTemplate<String, String> kafka, RunExecution execution,
                    WorkerProperties properties, DeadLetterMetrics deadLetters) {
        this.consumers = consumers;
        this.kafka = kafka;
        this.execution = execution;
        this.properties = properties;
        this.deadLetters = deadLetters;
        deadLetters.register(TOPICS);
    }

    @Override
    public synchronized void start() {
        if (running) {
            return;
        }
        running = true;
        threads.clear();
        runThreads.clear();
        for (int i = 0; i < properties.concurrency(); i++) {
            ExecutorService runThread = Executors.newSingleThreadExecutor(runThread("polysync-run-" + i));
            runThreads.add(runThread);
            Slot slot = new Slot(createConsumer(i),
                    new BandSelector(properties.lowerBandShare(), () -> ThreadLocalRandom.current().nextDouble()),
                    runThread);
            Thread thread = new Thread(slot::run, "polysync-slot-" + i);
            // the context's stop drains the slots; a daemon never keeps a JVM alive whose context failed to start
            thread.setDaemon(true);
            threads.add(thread);
            thread.start();
        }
    }

    @SuppressWarnings("unchecked")
    private Consumer<String, String> createConsumer(int index) {
        Properties overrides = new Properties();
        // one run per poll, committed by hand once reported: these are what the slot design relies on
        overrides.put(ConsumerConfig.MAX_POLL_RECORDS_CONFIG, "1");
        overrides.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "false");
        // a fetch in flight for the bands a slot paused holds back the fetch of the band it chose next: keep it short
        overrides.put(ConsumerConfig.FETCH_MAX_WAIT_MS_CONFIG, Long.toString(FETCH_MAX_WAIT.toMillis()));
        return (Consumer<String, String>) consumers.createConsumer(null, null, "-slot-" + index, overrides);
    }

    @Override
    public synchronized void stop() {
        if (!running) {
            return;
        }
        running = false;
        long graceEnds = System.nanoTime() + properties.shutdownGrace().toNanos();
        if (!joinUntil(graceEnds)) {
            int interrupted = execution.interruptAll();
            log.info("Shutdown grace of {} over: {} run(s) interrupted and reported as WORKER_SHUTDOWN",
                    properties.shutdownGrace(), interrupted);
            Duration allowance = properties.reportTimeout().plus(properties.shell().killGracePeriod())
                    .plus(STOP_ALLOWANCE);
            if (!joinUntil(System.nanoTime() + allowance.toNanos())) {
                log.warn("Run slots did not stop within {} after the interruption; abandoning them", allowance);
                threads.forEach(Thread::interrupt);
                runThreads.forEach(ExecutorService::shutdownNow);
            }
        }
        runThreads.forEach(ExecutorService::shutdown);
    }

    private static ThreadFactory runThread(String name) {
        return task -> {
            Thread thread = new Thread(task, name);
            thread.setDaemon(true);
            return thread;
        };
    }

    /** True when every slot thread ended before the deadline. */
    private boolean joinUntil(long deadlineNanos) {
        for (Thread thread : threads) {
            long left = deadlineNanos - System.nanoTime();
            try {
                if (left > 0) {
                    TimeUnit.NANOSECONDS.timedJoin(thread, left);
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return false;
            }
            if (thread.isAlive()) {
                return false;
            }
        }
        return true;
    }

    @Override
    public boolean isRunning() {
        return running;
    }

    /** Later than the listener containers, so cancels are still received while the slots drain. */
    @Override
    public int getPhase() {
        return Integer.MAX_VALUE - 50;
    }

    /** One consumer executing one run at a time; used by its own thread only. */
    private final class Slot {

        private final Consumer<String, String> consumer;
        private final BandSelector selector;
        private final ExecutorService runThread;
        /** Offsets of reported runs not committed yet, because the group was rebalancing at the time. */
        private final Map<TopicPartition, OffsetAndMetadata> uncommitted = new HashMap<>();
        private Duration backoff = Duration.ZERO;
        /** The record of the run executing now, if any. */
        private ConsumerRecord<String, String> executing;
        /** Whether the executing run's offset was committed already, when its partition was revoked. */
        private boolean handedOver;

        Slot(Consumer<String, String> consumer, BandSelector selector, ExecutorService runThread) {
            this.consumer = consumer;
            this.selector = selector;
            this.runThread = runThread;
        }

        void run() {
            try (consumer) {
                consumer.subscribe(TOPICS, new ConsumerRebalanceListener() {
                    @Override
                    public void onPartitionsRevoked(Collection<TopicPartition> partitions) {
                        if (executing != null && partitions.contains(partitionOf(executing))) {
                            // this worker holds the run's claim and reports it; the next owner must not execute it
                            uncommitted.put(partitionOf(executing), new OffsetAndMetadata(executing.offset() + 1));
                            handedOver = true;
                            log.info("Partition {} of executing run record @{} revoked; committed past it",
                                    partitionOf(executing), executing.offset());
                        }
                        // the last chance to commit them; whoever gets them next would repeat finished runs
                        commitUncommitted();
                    }

                    @Override
                    public void onPartitionsAssigned(Collection<TopicPartition> partitions) {
                        if (executing != null) {
                            consumer.pause(partitions);
                        }
                    }

                    @Override
                    public void onPartitionsLost(Collection<TopicPartition> partitions) {
                        partitions.forEach(uncommitted::remove);
                    }
                });
                while (running) {
                    takeOne();
                }
                commitUncommitted();
            } catch (InterruptedException | InterruptException e) {
                log.warn("Run slot {} interrupted; its run is delivered again", Thread.currentThread().getName());
            } catch (RuntimeException e) {
                log.error("Run slot {} failed and stops", Thread.currentThread().getName(), e);
            } finally {
                runThread.shutdown();
            }
        }

        private void takeOne() throws InterruptedException {
            Set<TopicPartition> assigned = consumer.assignment();
            Set<Band> withWork = bandsWithWork(assigned);
            Set<TopicPartition> wanted = new HashSet<>(assigned);
            selector.choose(withWork).ifPresent(band -> wanted.removeIf(partition -> band(partition) != band));
            Set<TopicPartition> others = new HashSet<>(assigned);
            others.removeAll(wanted);
            consumer.pause(others);
            consumer.resume(wanted);
            ConsumerRecords<String, String> records = consumer.poll(withWork.isEmpty() ? IDLE_POLL : BAND_POLL);
            commitUncommitted();
            for (ConsumerRecord<String, String> record : records) {
                if (!running) {
                    // fetched as the worker stops: not committed, so another worker takes it
                    return;
                }
                handle(record);
            }
        }

        /** Bands with records this slot has not taken yet, on the partitions it holds; all of them when unknown. */
        private Set<Band> bandsWithWork(Set<TopicPartition> assigned) {
            Set<Band> bands = EnumSet.noneOf(Band.class);
            if (assigned.isEmpty()) {
                return bands;
            }
            try {
                long deadline = System.nanoTime() + BACKLOG_BUDGET.toNanos();
                Map<TopicPartition, Long> ends = consumer.endOffsets(assigned, BACKLOG_BUDGET);
                for (TopicPartition partition : assigned) {
                    Long end = ends.get(partition);
                    if (end != null && end > consumer.position(partition, left(deadline))) {
                        bands.add(band(partition));
                    }
                }
                return bands;
            } catch (KafkaException e) {
                log.debug("Backlog of the bands unknown: {}", e.toString());
                return EnumSet.allOf(Band.class);
            }
        }

        private void handle(ConsumerRecord<String, String> record) throws InterruptedException {
            RunDispatched run;
            try {
                run = complete(Json.decode(record.value(), RunDispatched.class));
            } catch (RuntimeException e) {
                deadLetter(record, e);
                return;
            }
            try {
                executeWhilePolling(record, run);
                backoff = Duration.ZERO;
                if (stillHeld(record)) {
                    commit(record);
                }
            } catch (ReportNotDeliveredException e) {
                if (stillHeld(record)) {
                    retryLater(record, e);
                } else {
                    // the run's lease runs out without heartbeats and the dispatcher retries it
                    log.warn("Run record {}-{}@{} no longer held here; its outcome was not reported: {}",
                            record.topic(), record.partition(), record.offset(), e.toString());
                }
            } finally {
                handedOver = false;
            }
        }

        /**
         * Whether the slot still answers for the record of the run it executed: not when it committed past it on the
         * revocation, nor when the partition was lost meanwhile; a commit then would overwrite what its new owner
         * committed, and a seek would fail.
         */
        private boolean stillHeld(ConsumerRecord<String, String> record) {
            if (handedOver) {
                return false;
            }
            if (consumer.assignment().contains(partitionOf(record))) {
                return true;
            }
            log.warn("Partition of run record {}-{}@{} lost during the run; it may be delivered again elsewhere",
                    record.topic(), record.partition(), record.offset());
            return false;
        }

        /**
         * Executes the run on the slot's run thread and polls, every partition paused, until it ends, so the consumer
         * is not taken for dead however long the run takes.
         */
        private void executeWhilePolling(ConsumerRecord<String, String> record, RunDispatched run)
                throws InterruptedException {
            Future<?> outcome = runThread.submit(() -> {
                execution.execute(run);
                return null;
            });
            executing = record;
            try {
                while (!awaitDone(outcome)) {
                    consumer.pause(consumer.assignment());
                    for (ConsumerRecord<String, String> fetched : consumer.poll(EXECUTING_POLL)) {
                        // fetched before its partition was paused: delivered again once the slot is free
                        consumer.seek(partitionOf(fetched), fetched.offset());
                    }
                }
            } finally {
                executing = null;
            }
            try {
                outcome.get();
            } catch (ExecutionException e) {
                // as if executed on this thread: ReportNotDeliveredException is a RuntimeException
                Throwable cause = e.getCause();
                if (cause instanceof InterruptedException interrupted) {
                    throw interrupted;
                }
                if (cause instanceof RuntimeException failure) {
                    throw failure;
                }
                if (cause instanceof Error error) {
                    throw error;
                }
                throw new IllegalStateException(cause);
            }
        }

        private boolean awaitDone(Future<?> outcome) throws InterruptedException {
            try {
                outcome.get(EXECUTING_WAIT.toMillis(), TimeUnit.MILLISECONDS);
                return true;
            } catch (ExecutionException e) {
                return true;
            } catch (TimeoutException e) {
                return false;
            } catch (InterruptedException e) {
                // abandoned: the run thread is interrupted too, and the run's record is not committed
                outcome.cancel(true);
                throw e;
            }
        }

        private void deadLetter(ConsumerRecord<String, String> record, RuntimeException cause) throws InterruptedException {
            String deadLetter = Topics.deadLetter(record.topic());
            try {
                kafka.send(deadLetter, record.key(), record.value())
                        .get(properties.reportTimeout().toMillis(), TimeUnit.MILLISECONDS);
                log.error("record {}-{}@{} sent to {}: {}", record.topic(), record.partition(), record.offset(),
                        deadLetter, cause.toString());
                deadLetters.sent(record.topic());
                commit(record);
            } catch (ExecutionException | TimeoutException e) {
                retryLater(record, e);
            }
        }

        private void commit(ConsumerRecord<String, String> record) {
            uncommitted.put(new TopicPartition(record.topic(), record.partition()),
                    new OffsetAndMetadata(record.offset() + 1));
            commitUncommitted();
        }

        private void commitUncommitted() {
            if (uncommitted.isEmpty()) {
                return;
            }
            try {
                consumer.commitSync(uncommitted);
                uncommitted.clear();
            } catch (RebalanceInProgressException e) {
                // the rebalance completes in the next poll, before which (or in whose revocation) this is retried
                log.debug("Commit of {} deferred: the group is rebalancing", uncommitted);
            } catch (KafkaException e) {
                // the outcomes are reported: a repeated delivery is a repeated attempt, fenced by the dispatcher
                log.warn("Offsets {} not committed: {}", uncommitted, e.toString());
                uncommitted.clear();
            }
        }

        /** Delivers the record to this slot again after a growing pause (the broker is probably away). */
        private void retryLater(ConsumerRecord<String, String> record, Exception cause) throws InterruptedException {
            backoff = backoff.isZero() ? Duration.ofMillis(500) : min(backoff.multipliedBy(2), MAX_BACKOFF);
            log.warn("Run record {}-{}@{} not handled, again in {}: {}", record.topic(), record.partition(),
                    record.offset(), backoff, cause.toString());
            consumer.seek(new TopicPartition(record.topic(), record.partition()), record.offset());
            long until = System.nanoTime() + backoff.toNanos();
            while (running && System.nanoTime() < until) {
                TimeUnit.MILLISECONDS.sleep(50);
            }
        }
    }

    /**
     * A record of the wrong shape decodes with its ids missing; executing it would fail on every slot that gets it
     * (each failing slot stops, and the record, never committed, goes to the next), so it is a poison record too.
     */
    static RunDispatched complete(RunDispatched run) {
        if (run == null || run.runId() == null || run.taskId() == null || run.attempt() < 1) {
            throw new IllegalArgumentException("incomplete RunDispatched: " + run);
        }
        return run;
    }

    /** What is left of a budget ending at {@code deadline} (nanoTime); zero makes a blocking call time out at once. */
    private static Duration left(long deadline) {
        return Duration.ofNanos(Math.max(0, deadline - System.nanoTime()));
    }

    private static Duration min(Duration a, Duration b) {
        return a.compareTo(b) <= 0 ? a : b;
    }

    private static TopicPartition partitionOf(ConsumerRecord<?, ?> record) {
        return new TopicPartition(record.topic(), record.partition());
    }

    private static Band band(TopicPartition partition) {
        return switch (partition.topic()) {
            case Topics.RUNS_HIGH -> Band.HIGH;
            case Topics.RUNS_NORMAL -> Band.NORMAL;
            default -> Band.LOW;
        };
    }
}
