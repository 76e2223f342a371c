package io.polysync.task.run;

import io.micrometer.core.instrument.DistributionSummary;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.polysync.task.config.TaskServiceProperties;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.context.SmartLifecycle;
import org.springframework.core.NestedExceptionUtils;
import org.springframework.stereotype.Component;
import org.springframework.transaction.PlatformTransactionManager;
import org.springframework.transaction.support.TransactionTemplate;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

/**
 * Accepts concurrent Run Once requests in shared transactions: a group commit. Each request waits while one of a
 * few acceptor threads takes it, with every request queued behind it (up to a batch size), through
 * {@link TriggerAcceptance#acceptAllInCurrentTransaction} and one commit.
 *
 * <p>Why: one transaction per request was 44 % of the CPU a Run Once cost its HTTP thread (a profile of 10,000
 * concurrent requests: begin, the definition stamp, two inserts, the outbox insert and the commit, each a round trip,
 * and a commit that waits for the write-ahead log), and PostgreSQL's share came on top. A lone request still
 * goes at once: nothing waits for a batch to fill, so at low load a batch is the one request, and under load the
 * batch is whatever queued while the previous commit was under way.
 *
 * <p>Answers are each request's own, as if accepted alone: rejections write nothing and do not affect the others. A
 * batch whose transaction fails is retried one request per transaction, so a failure is answered only to the
 * requests it belongs to. Before {@link #start()} and after {@link #stop()} a request is accepted on its caller's
 * thread; {@code stop} answers every request queued before it.
 */
@Component
class RunOnceBatches implements SmartLifecycle {

    private static final Logger log = LoggerFactory.getLogger(RunOnceBatches.class);
    /** How soon an idle acceptor notices {@link #stop()}; it wakes for nothing else, so idle costs next to nothing. */
    private static final long IDLE_WAKE_MILLIS = 1000;

    private final TriggerAcceptance acceptance;
    private final TransactionTemplate tx;
    private final int batchSize;
    private final int threadCount;
    private final DistributionSummary batchSizes;
    private final BlockingQueue<Pending> queue = new LinkedBlockingQueue<>();
    private final List<Thread> threads = new ArrayList<>();
    private volatile boolean running;

    RunOnceBatches(TriggerAcceptance acceptance, PlatformTransactionManager transactions,
                   TaskServiceProperties properties, MeterRegistry meters) {
        this.acceptance = acceptance;
        this.tx = new TransactionTemplate(transactions);
        this.batchSize = properties.runOnce().batchSize();
        this.threadCount = properties.runOnce().acceptors();
        this.batchSizes = DistributionSummary.builder("polysync.task.run.once.batch")
                .description("Run Once requests accepted per transaction")
                .register(meters);
        Gauge.builder("polysync.task.run.once.queued", queue, BlockingQueue::size)
                .description("Run Once requests waiting for a transaction to take them")
                .register(meters);
    }

    /**
     * Accepts the request in a transaction it may share with concurrent requests.
     *
     * @throws TriggerRejectedException naming every problem; nothing of this request was written
     */
    TriggerAcceptance.Acceptance accept(RunRequest request) {
        Pending pending = new Pending(request);
        synchronized (this) {
            // checked under the lock stop() takes: once stopped, nothing more is queued, so nothing is left behind
            if (!running) {
                return acceptance.accept(request);
            }
            queue.add(pending);
        }
        try {
            return pending.answer.get();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while the Run Once request was being accepted", e);
        } catch (ExecutionException e) {
            if (e.getCause() instanceof RuntimeException runtime) {
                throw runtime;
            }
            throw new IllegalStateException(e.getCause());
        }
    }

    @Override
    public synchronized void start() {
        if (running) {
            return;
        }
        running = true;
        for (int i = 1; i <= threadCount; i++) {
            Thread thread = new Thread(this::acceptQueued, "run-once-acceptor-" + i);
            thread.setDaemon(true);
            thread.start();
            threads.add(thread);
        }
    }

    @Override
    public void stop() {
        synchronized (this) {
            running = false;
        }
        for (Thread thread : threads) {
            try {
                thread.join();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
        }
        threads.clear();
    }

    @Override
    public boolean isRunning() {
        return running;
    }

    /** Until stopped and nothing is left queued: takes the oldest request and whatever queued behind it. */
    private void acceptQueued() {
        List<Pending> batch = new ArrayList<>(batchSize);
        while (running || !queue.isEmpty()) {
            Pending first;
            try {
                first = queue.poll(IDLE_WAKE_MILLIS, TimeUnit.MILLISECONDS);
            } catch (InterruptedException e) {
                // only stop() ends this thread, once the queue is empty; an interrupt alone would strand requests
                continue;
            }
            if (first == null) {
                continue;
            }
            batch.add(first);
            queue.drainTo(batch, batchSize - 1);
            try {
                accept(batch);
            } catch (Throwable e) {
                // whatever went wrong, no caller may wait forever, and the acceptor lives on for the next batch
                log.error("Accepting a batch of {} Run Once requests failed", batch.size(), e);
                batch.forEach(pending -> pending.answer.completeExceptionally(e));
            }
            batch.clear();
        }
    }

    private void accept(List<Pending> batch) {
        batchSizes.record(batch.size());
        List<TriggerAcceptance.Answer> answers;
        try {
            answers = tx.execute(status -> acceptance.acceptAllInCurrentTransaction(batch.stream()
                    .map(Pending::request).toList(), false));
        } catch (RuntimeException e) {
            if (batch.size() == 1) {
                batch.get(0).answer.completeExceptionally(e);
                return;
            }
            log.warn("A batch of {} Run Once requests failed ({}); accepting each in a transaction of its own",
                    batch.size(), NestedExceptionUtils.getMostSpecificCause(e).toString());
            batch.forEach(this::acceptAlone);
            return;
        }
        for (int i = 0; i < batch.size(); i++) {
            TriggerAcceptance.Answer answer = answers.get(i);
            if (answer.rejection() != null) {
                batch.get(i).answer.completeExceptionally(answer.rejection());
            } else {
                batch.get(i).answer.complete(answer.acceptance());
            }
        }
    }

    private void acceptAlone(Pending pending) {
        try {
            pending.answer.complete(acceptance.accept(pending.request()));
        } catch (RuntimeException e) {
            pending.answer.completeExceptionally(e);
        }
    }

    private record Pending(RunRequest request, CompletableFuture<TriggerAcceptance.Acceptance> answer) {

        Pending(RunRequest request) {
            this(request, new CompletableFuture<>());
        }
    }
}
