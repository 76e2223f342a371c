package io.polysync.bench;

import io.polysync.model.Topics;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.serialization.StringSerializer;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.LongFunction;
import java.util.function.LongSupplier;

/** What a scenario works with: the deployment, its API and database, the report and the settings. */
public final class Context {

    private final Options options;
    private final Deployment deployment;
    private final Database database;
    private final PolysyncApi api;
    private final Report report;
    private KafkaProducer<String, String> producer;
    /** Tasks per second of the last bulk creation, for sizing the wait of a scenario that creates many. */
    private static volatile double creationRate = 20;

    public Context(Options options, Deployment deployment, Database database, Report report) {
        this.options = options;
        this.deployment = deployment;
        this.database = database;
        this.api = new PolysyncApi(deployment.apiUrl());
        this.report = report;
    }

    public Options options() {
        return options;
    }

    public Deployment deployment() {
        return deployment;
    }

    public Database db() {
        return database;
    }

    public PolysyncApi api() {
        return api;
    }

    public Report report() {
        return report;
    }

    public double creationRate() {
        return creationRate;
    }

    /** A producer for polysync.external-triggers with the durable settings the services use (acks=all). */
    public synchronized KafkaProducer<String, String> producer() {
        if (producer == null) {
            producer = new KafkaProducer<>(Map.of(
                    ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, deployment.bootstrapServers(),
                    ProducerConfig.ACKS_CONFIG, "all",
                    ProducerConfig.LINGER_MS_CONFIG, 5,
                    ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, StringSerializer.class.getName(),
                    ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, StringSerializer.class.getName()));
        }
        return producer;
    }

    /** Publishes one external trigger event for {@code task} (the upstream systems' way in), parameters empty. */
    public Future<RecordMetadata> sendExternalTrigger(String task, String idempotencyKey) {
        return producer().send(new ProducerRecord<>(Topics.EXTERNAL_TRIGGERS, task, "{\"task\":\"" + task
                + "\",\"idempotencyKey\":\"" + idempotencyKey + "\",\"parameters\":{}}"));
    }

    public void close() {
        if (producer != null) {
            producer.close(Duration.ofSeconds(5));
            producer = null;
        }
    }

    /**
     * Creates the tasks concurrently through the API, printing progress every tenth, and reports the creation rate
     * under {@code scenario}; fails when any creation is refused.
     */
    public double createTasks(String scenario, List<Map<String, Object>> tasks) {
        AtomicInteger done = new AtomicInteger();
        Instant start = Instant.now();
        Thread progress = progressPrinter("creating " + tasks.size() + " tasks", done, tasks.size());
        PolysyncApi.Outcome outcome;
        try {
            outcome = api.each(tasks, options.createConcurrency(), t -> api.sendAsync("POST", "/api/v1/tasks", t),
                    done);
        } finally {
            progress.interrupt();
        }
        double seconds = Duration.between(start, Instant.now()).toMillis() / 1000.0;
        double rate = tasks.size() / Math.max(seconds, 0.001);
        if (tasks.size() >= 100) {
            creationRate = rate;
        }
        if (tasks.size() >= 100) {
            report.add(scenario, "task creation rate (" + tasks.size() + " tasks, " + options.createConcurrency()
                    + " concurrent)", tasks.size() >= 1000 ? "scale.creation" : null, rate, "tasks/s",
                    Report.number(seconds) + " s");
        }
        if (outcome.refused() > 0) {
            throw new IllegalStateException("task creation: " + outcome.describe());
        }
        return rate;
    }

    /** Deletes tasks concurrently (cascade), so their schedules stop firing. */
    public void deleteTasks(List<String> names) {
        PolysyncApi.Outcome outcome = api.each(names, options.createConcurrency(),
                n -> api.sendAsync("DELETE", "/api/v1/tasks/" + n + "?cascade=true", null), null);
        if (outcome.refused() > 0) {
            report.note("deleting tasks: " + outcome.describe());
        }
    }

    /**
     * Polls {@code done} until it reaches {@code expected}, the timeout passes, or it stops moving for half the
     * timeout; answers the last value. Progress is printed every few seconds.
     */
    public long awaitCount(String what, LongSupplier done, long expected, Duration timeout) {
        return await(what, done, expected, timeout, now -> now + " of " + expected);
    }

    /**
     * Polls {@code left} until it reaches zero, as {@link #awaitCount} does; answers what was left at the end. Progress
     * is printed as what is left.
     */
    public long awaitNoneLeft(String what, LongSupplier left, Duration timeout) {
        return -await(what, () -> -left.getAsLong(), 0, timeout, now -> -now + " left");
    }

    private long await(String what, LongSupplier done, long expected, Duration timeout, LongFunction<String> shown) {
        Instant deadline = Instant.now().plus(timeout);
        Instant lastMove = Instant.now();
        long last = -1;
        Instant lastPrint = Instant.EPOCH;
        while (true) {
            long now = done.getAsLong();
            if (now != last) {
                last = now;
                lastMove = Instant.now();
            }
            if (now >= expected) {
                return now;
            }
            if (Instant.now().isAfter(deadline)
                    || Duration.between(lastMove, Instant.now()).compareTo(timeout.dividedBy(2)) > 0) {
                System.out.println("    " + what + ": gave up at " + shown.apply(now));
                return now;
            }
            if (Duration.between(lastPrint, Instant.now()).toSeconds() >= 5) {
                System.out.println("    " + what + ": " + shown.apply(now));
                lastPrint = Instant.now();
            }
            Deployment.sleep(Duration.ofMillis(500));
        }
    }

    private static Thread progressPrinter(String what, AtomicInteger done, int total) {
        Thread t = new Thread(() -> {
            int lastTenth = 0;
            while (!Thread.currentThread().isInterrupted()) {
                int tenth = done.get() * 10 / Math.max(total, 1);
                if (tenth > lastTenth) {
                    System.out.println("    " + what + ": " + done.get() + " done");
                    lastTenth = tenth;
                }
                try {
                    Thread.sleep(1000);
                } catch (InterruptedException e) {
                    return;
                }
            }
        }, "progress");
        t.setDaemon(true);
        t.start();
        return t;
    }

    /** The seconds of the {@code from}–{@code to} quantiles of sorted instants. */
    static List<Instant> sorted(List<Instant> instants) {
        List<Instant> copy = new ArrayList<>(instants);
        copy.removeIf(java.util.Objects::isNull);
        copy.sort(null);
        return copy;
    }
}
