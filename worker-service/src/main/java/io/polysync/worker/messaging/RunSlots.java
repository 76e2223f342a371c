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
import java.util.Comparator;
import java.util.EnumSet;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletableFuture;
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
 * which band to take from and pauses the partitions of the other bands that have work; bands without work stay
 * fetched, so a run arriving there ends the poll at once. A batch executes its runs highest band first, so a
 * high-priority run waits at most for the runs its slot executes within one batch budget (DESIGN.md section 10
 * rule 23). A run's offset is committed only after its outcome was reported (at least once), and always before the
 * next poll that may fetch a run, so a rebalance never loses or repeats a finished run.
 *
 * <p>A poll returns up to {@code polysync.worker.runs-per-poll} runs of the chosen band (and of a band that had no
 * work and just received some), which the slot executes one after the other, each only once the previous one
 * ended. Their reports are acknowledged together at the end of the batch and their offsets committed in one request;
 * a job waits for its own start's acknowledgement only when the broker has not acknowledged the slot's reports a
 * moment ago ({@link #MAX_UNCONFIRMED}). A short run then costs no
 * broker round trip of its own, where it cost five (a backlog query, a poll, two reports and a commit, each awaited).
 * After {@link #BATCH_BUDGET} a batch takes no further run; the rest is sought back and comes again after the slot
 * chose a band anew. A report that is not acknowledged has its run, and every later one of its
 * partition, delivered to the slot again after a pause; a run among them whose job already ended here is not
 * executed again, only its reports are sent again (see {@link RunExecution}).
 *
 * <p>A slot executes its batch on a thread of its own ({@code polysync-run-<i>}) and meanwhile keeps polling with
 * every partition paused, so its consumer stays in the group however long a run takes; runs without an execution
 * timeout may outlast {@code max.poll.interval.ms}, and a consumer that stopped polling would have the uncommitted run
 * delivered, and executed, a second time elsewhere. A record such a poll still returns is sought back, to be
 * delivered again after the batch. When a partition is revoked meanwhile, the slot commits past the last run its
 * batch took there and the batch takes no more from it, so the next owner neither executes those runs again nor
 * misses the rest: this worker holds the claims of the runs it took and reports their outcomes; should it die before,
 * the dispatcher's lease reaper fails the runs LOST and retries follow.
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
    /**
     * How long the broker holds a slot's fetch when its partitions have nothing: every slot of an idle worker sends
     * a fetch this often (sixteen slots at 50 ms made 317 fetches a second, most of an idle standalone's CPU). A run
     * arriving on a fetched partition ends the wait at once. It delays a run only where a slot turns to a band it had
     * paused (which had work) after the band it took from ran dry: the fetch still in flight for the dry band must
     * end before the consumer can fetch the other.
     */
    private static final Duration FETCH_MAX_WAIT = Duration.ofMillis(250);
    /**
     * The most a fetch returns of one partition (the broker still returns a first record batch that is larger). A
     * batch leaves what it did not get to within {@link #BATCH_BUDGET} to be fetched again, and the consumer drops
     * all it buffered of that partition with the seek: at Kafka's default of 1 MiB the slots' fetch responses were
     * 14 % of a standalone's allocation in a throughput run, at 64 KiB 2 %. 64 KiB holds about a hundred runs of
     * ordinary size, twice what one poll returns by default; a larger {@code runs-per-poll} gets 1 KiB a run.
     */
    private static final int MIN_PARTITION_FETCH_BYTES = 64 * 1024;
    private static final int PARTITION_FETCH_BYTES_PER_RUN = 1024;
    /**
     * How long a slot goes on taking runs of one poll back to back before it chooses a band again: a high-priority
     * run waits for at most this, plus the run that crosses it, plus one acknowledgement and commit.
     */
    private static final Duration BATCH_BUDGET = Duration.ofMillis(50);
    /**
     * A run's job starts before its start is acknowledged only while the slot's unacknowledged runs are fewer than
     * this and none was taken longer ago than {@link #UNCONFIRMED_AGE}: the broker answered a moment ago, so a short
     * run need not wait for it, and should it have gone away, at most these few runs execute unrecorded before the
     * slot waits for it again (and then backs off).
     */
    private static final int MAX_UNCONFIRMED = 16;
    private static final Duration UNCONFIRMED_AGE = Duration.ofMillis(50);
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
        // a batch of runs per poll, committed by hand once reported: these are what the slot design relies on
        overrides.put(ConsumerConfig.MAX_POLL_RECORDS_CONFIG, Integer.toString(properties.runsPerPoll()));
        overrides.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "false");
        // a fetch in flight for the bands a slot paused holds back the fetch of the band it chose next: keep it short
        overrides.put(ConsumerConfig.FETCH_MAX_WAIT_MS_CONFIG, Long.toString(FETCH_MAX_WAIT.toMillis()));
        overrides.put(ConsumerConfig.MAX_PARTITION_FETCH_BYTES_CONFIG,
                Long.toString(partitionFetchBytes(properties.runsPerPoll())));
        return (Consumer<String, String>) consumers.createConsumer(null, null, "-slot-" + index, overrides);
    }

    /** How much a slot's fetch returns of one partition: see {@link #MIN_PARTITION_FETCH_BYTES}. */
    static long partitionFetchBytes(int runsPerPoll) {
        return Math.min(Integer.MAX_VALUE,
                Math.max(MIN_PARTITION_FETCH_BYTES, (long) runsPerPoll * PARTITION_FETCH_BYTES_PER_RUN));
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

    /** One consumer executing one batch of runs at a time; used by its own thread only. */
    private final class Slot {

        private final Consumer<String, String> consumer;
        private final BandSelector selector;
        private final ExecutorService runThread;
        /** Offsets of reported runs not committed yet, because the group was rebalancing at the time. */
        private final Map<TopicPartition, OffsetAndMetadata> uncommitted = new HashMap<>();
        private Duration backoff = Duration.ZERO;
        /** The batch executing now, if any. */
        private Batch executing;
        /**
         * The last poll fetched from every partition the slot holds and returned nothing. Its backlog is then known
         * to be empty without asking the broker: an idle slot's next poll, of every partition again, returns whatever
         * arrives in any band, as after a query that found nothing. This spares an idle slot the end-offsets request
         * (a broker round trip) before each of its polls.
         */
        private boolean quiet;

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
                        if (executing != null) {
                            // this worker holds the claims of the runs it took there and reports them; the next
                            // owner must not execute them again, nor any it has not taken yet
                            executing.revoke(partitions).forEach((partition, offset) -> {
                                uncommitted.put(partition, new OffsetAndMetadata(offset + 1));
                                log.info("Partition {} revoked while its run record @{} executed; committed past it",
                                        partition, offset);
                            });
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
                        if (executing != null) {
                            executing.lose(partitions);
                        }
                    }
                });
                while (running) {
                    takeBatch();
                }
                commitUncommitted();
            } catch (InterruptedException | InterruptException e) {
                log.warn("Run slot {} interrupted; its runs are delivered again", Thread.currentThread().getName());
            } catch (RuntimeException e) {
                log.error("Run slot {} failed and stops", Thread.currentThread().getName(), e);
            } finally {
                runThread.shutdown();
            }
        }

        private void takeBatch() throws InterruptedException {
            Set<TopicPartition> assigned = consumer.assignment();
            Set<Band> withWork = quiet ? EnumSet.noneOf(Band.class) : bandsWithWork(assigned);
            // only the bands with work that were not chosen are paused: a run arriving in an empty band completes
            // the fetch in flight and comes with this poll; were its band paused, it would wait for a later batch
            Set<TopicPartition> wanted = new HashSet<>(assigned);
            selector.choose(withWork).ifPresent(band -> wanted.removeIf(
                    partition -> band(partition) != band && withWork.contains(band(partition))));
            Set<TopicPartition> others = new HashSet<>(assigned);
            others.removeAll(wanted);
            consumer.pause(others);
            consumer.resume(wanted);
            ConsumerRecords<String, String> records = consumer.poll(withWork.isEmpty() ? IDLE_POLL : BAND_POLL);
            // nothing was paused when no band had work; a partition assigned during the poll is unpaused too
            quiet = withWork.isEmpty() && records.isEmpty();
            commitUncommitted();
            if (records.isEmpty() || !running) {
                // fetched as the worker stops: not committed, so another worker takes them
                return;
            }
            List<ConsumerRecord<String, String>> taken = new ArrayList<>(records.count());
            records.forEach(taken::add);
            // highest band first; stable, so each partition's runs keep their order (settle relies on it)
            taken.sort(Comparator.comparing(record -> band(partitionOf(record))));
            // after a failed report the first run waits for its start again, before any job runs unconfirmed
            Batch batch = new Batch(taken, !backoff.isZero());
            executeWhilePolling(batch);
            settle(batch);
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

        /**
         * Executes the batch on the slot's run thread and polls, every partition paused, until it ends, so the
         * consumer is not taken for dead however long its runs take.
         */
        private void executeWhilePolling(Batch batch) throws InterruptedException {
            Future<?> outcome = runThread.submit(batch);
            executing = batch;
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
                // as if executed on this thread
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
                // abandoned: the run thread is interrupted too, and the batch's records are not committed
                outcome.cancel(true);
                throw e;
            }
        }

        /**
         * Commits each partition up to its first run whose reports were not all acknowledged, and has the records
         * from there on (or from the first one the batch left untaken) delivered to this slot again. A partition
         * revoked or lost during the batch is left alone: the revocation committed past what this slot took there,
         * and a commit or seek now would overwrite what the partition's next owner did.
         */
        private void settle(Batch batch) throws InterruptedException {
            Map<TopicPartition, Long> again = new HashMap<>();
            Taken failed = null;
            for (Taken taken : batch.taken) {
                TopicPartition partition = partitionOf(taken.record);
                if (again.containsKey(partition) || !stillHeld(batch, taken.record)) {
                    continue;
                }
                if (taken.failure == null) {
                    uncommitted.put(partition, new OffsetAndMetadata(taken.record.offset() + 1));
                } else {
                    again.put(partition, taken.record.offset());
                    failed = failed == null ? taken : failed;
                }
            }
            for (ConsumerRecord<String, String> left : batch.untaken()) {
                TopicPartition partition = partitionOf(left);
                if (!again.containsKey(partition) && running && stillHeld(batch, left)) {
                    again.put(partition, left.offset());
                }
            }
            again.forEach(consumer::seek);
            commitUncommitted();
            if (batch.startFailure != null) {
                backOff(batch.records.get(batch.next), batch.startFailure);
            } else if (failed != null) {
                backOff(failed.record, failed.failure);
            } else {
                backoff = Duration.ZERO;
            }
        }

        /**
         * Whether the slot still answers for the record: not when its partition was revoked (committed past what the
         * slot took there) or lost during the batch, nor when it is no longer assigned.
         */
        private boolean stillHeld(Batch batch, ConsumerRecord<String, String> record) {
            TopicPartition partition = partitionOf(record);
            if (!batch.gone(partition) && consumer.assignment().contains(partition)) {
                return true;
            }
            log.debug("Partition of run record {}-{}@{} revoked or lost during its batch", record.topic(),
                    record.partition(), record.offset());
            return false;
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

        /** Pauses after a report failed (the broker is probably away); the record comes to this slot again. */
        private void backOff(ConsumerRecord<String, String> record, Throwable cause) throws InterruptedException {
            backoff = backoff.isZero() ? Duration.ofMillis(500) : min(backoff.multipliedBy(2), MAX_BACKOFF);
            log.warn("Run record {}-{}@{} not handled, again in {}: {}", record.topic(), record.partition(),
                    record.offset(), backoff, cause.toString());
            long until = System.nanoTime() + backoff.toNanos();
            while (running && System.nanoTime() < until) {
                TimeUnit.MILLISECONDS.sleep(50);
            }
        }
    }

    /**
     * The records of one poll, executed one after the other on the slot's run thread: each run is started only after
     * the previous one ended, as with one record per poll, but their reports are acknowledged together at the end,
     * and their offsets committed together. After {@link #BATCH_BUDGET} the batch
     * takes no further run, so the slot chooses a band again (rule 23) about as often as with one run per poll.
     *
     * <p>The slot thread may revoke partitions while the batch executes (in a rebalance): what the batch took there is
     * its to report, what it has not taken it leaves. Both threads agree on which is which under the batch's lock.
     */
    private final class Batch implements Callable<Void> {

        private final List<ConsumerRecord<String, String>> records;
        /** The runs taken, in order; read by the slot thread only once the batch ended. */
        private final List<Taken> taken = new ArrayList<>();
        /** Partitions revoked or lost during the batch: nothing more is taken there. Guarded by this. */
        private final Set<TopicPartition> gone = new HashSet<>();
        /** The offset of the last record taken on each partition. Guarded by this. */
        private final Map<TopicPartition, Long> lastTaken = new HashMap<>();
        /** The index of the first record the batch did not get to. */
        private int next;
        /** Why the record at {@link #next} was not executed: its start could not be reported. */
        private ReportNotDeliveredException startFailure;
        /** Whether the first run waits for its start's acknowledgement (as every run does once in doubt). */
        private final boolean confirmFirst;

        Batch(List<ConsumerRecord<String, String>> records, boolean confirmFirst) {
            this.records = records;
            this.confirmFirst = confirmFirst;
        }

        @Override
        public Void call() throws InterruptedException {
            long budgetEnds = System.nanoTime() + BATCH_BUDGET.toNanos();
            for (; next < records.size(); next++) {
                if (!running || (next > 0 && System.nanoTime() - budgetEnds > 0) || anyFailed()) {
                    // a failed report has its partition delivered again from there: later runs would be repeated
                    break;
                }
                ConsumerRecord<String, String> record = records.get(next);
                if (!take(record)) {
                    continue;
                }
                try {
                    long takenAt = System.nanoTime();
                    taken.add(new Taken(record, handle(record, confirmStart()), takenAt));
                } catch (ReportNotDeliveredException e) {
                    // the job did not start; this record and the rest come again after a pause
                    untake(record);
                    startFailure = e;
                    break;
                }
            }
            for (Taken run : taken) {
                run.await();
            }
            return null;
        }

        /** Executes the run, or dead-letters a record of the wrong shape; the future completes once reported. */
        private CompletableFuture<Void> handle(ConsumerRecord<String, String> record, boolean confirmStart)
                throws InterruptedException {
            RunDispatched run;
            try {
                run = complete(Json.decode(record.value(), RunDispatched.class));
            } catch (RuntimeException e) {
                return deadLetter(record, e);
            }
            return execution.execute(run, confirmStart);
        }

        /** Whether the next run must wait for its start's acknowledgement: see {@link #MAX_UNCONFIRMED}. */
        private boolean confirmStart() {
            if (taken.isEmpty()) {
                return confirmFirst;
            }
            long oldestAllowed = System.nanoTime() - UNCONFIRMED_AGE.toNanos();
            int unconfirmed = 0;
            for (Taken run : taken) {
                if (!run.reported.isDone()) {
                    unconfirmed++;
                    if (run.takenAt - oldestAllowed < 0) {
                        return true;
                    }
                }
            }
            return unconfirmed >= MAX_UNCONFIRMED;
        }

        private boolean anyFailed() {
            for (Taken run : taken) {
                if (run.reported.isCompletedExceptionally()) {
                    return true;
                }
            }
            return false;
        }

        private synchronized boolean take(ConsumerRecord<String, String> record) {
            TopicPartition partition = partitionOf(record);
            if (gone.contains(partition)) {
                return false;
            }
            lastTaken.put(partition, record.offset());
            return true;
        }

        /** Forgets a record taken but not executed; it was the last taken on its partition. */
        private synchronized void untake(ConsumerRecord<String, String> record) {
            TopicPartition partition = partitionOf(record);
            Long before = null;
            for (Taken run : taken) {
                if (partitionOf(run.record).equals(partition)) {
                    before = run.record.offset();
                }
            }
            if (before == null) {
                lastTaken.remove(partition);
            } else {
                lastTaken.put(partition, before);
            }
        }

        /** Takes nothing more on these partitions; returns the last offset taken on each that had one. */
        synchronized Map<TopicPartition, Long> revoke(Collection<TopicPartition> partitions) {
            Map<TopicPartition, Long> handedOver = new HashMap<>();
            for (TopicPartition partition : partitions) {
                gone.add(partition);
                Long last = lastTaken.get(partition);
                if (last != null) {
                    handedOver.put(partition, last);
                }
            }
            return handedOver;
        }

        synchronized void lose(Collection<TopicPartition> partitions) {
            gone.addAll(partitions);
        }

        synchronized boolean gone(TopicPartition partition) {
            return gone.contains(partition);
        }

        /** The records from the first the batch did not get to, not counting those it skipped. */
        List<ConsumerRecord<String, String>> untaken() {
            return records.subList(Math.min(next, records.size()), records.size());
        }
    }

    /** A run a batch took, and whether all its reports were acknowledged. */
    private static final class Taken {

        private final ConsumerRecord<String, String> record;
        private final CompletableFuture<Void> reported;
        /** When the run was taken (nanoTime), so when its start was sent. */
        private final long takenAt;
        private Throwable failure;

        Taken(ConsumerRecord<String, String> record, CompletableFuture<Void> reported, long takenAt) {
            this.record = record;
            this.reported = reported;
            this.takenAt = takenAt;
        }

        /** Waits for the acknowledgement, which the reporter bounds by the report timeout. */
        void await() throws InterruptedException {
            try {
                reported.get();
            } catch (ExecutionException e) {
                failure = e.getCause();
                if (!(failure instanceof ReportNotDeliveredException)) {
                    log.warn("Run record {}-{}@{} not reported: {}", record.topic(), record.partition(),
                            record.offset(), failure.toString());
                }
            }
        }
    }

    private CompletableFuture<Void> deadLetter(ConsumerRecord<String, String> record, RuntimeException cause) {
        String deadLetter = Topics.deadLetter(record.topic());
        CompletableFuture<?> sent;
        try {
            sent = kafka.send(deadLetter, record.key(), record.value());
        } catch (RuntimeException e) {
            return CompletableFuture.failedFuture(e);
        }
        return sent.orTimeout(properties.reportTimeout().toMillis(), TimeUnit.MILLISECONDS).thenRun(() -> {
            log.error("record {}-{}@{} sent to {}: {}", record.topic(), record.partition(), record.offset(),
                    deadLetter, cause.toString());
            deadLetters.sent(record.topic());
        });
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
