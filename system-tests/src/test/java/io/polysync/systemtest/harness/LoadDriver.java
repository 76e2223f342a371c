package io.polysync.systemtest.harness;

import io.polysync.model.Json;
import io.polysync.model.id.Ids;
import io.polysync.model.run.TriggerType;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.StringSerializer;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Steady load while faults happen: every tick it starts one run of each of its tasks, alternating Run Once through
 * the API and an event on {@code polysync.external-triggers}. A request the API answered, or an event the broker
 * acknowledged, is <em>accepted</em>: its run id (derived, DESIGN.md section 10 rule 1) must end up in the ledger
 * and reach a terminal state. A request refused or unanswered because of a fault is counted and not expected.
 */
public final class LoadDriver implements AutoCloseable {

    private final SystemCluster cluster;
    private final List<String> tasks;
    private final Map<String, UUID> taskIds = new ConcurrentHashMap<>();
    private final Set<UUID> accepted;
    private final KafkaProducer<String, String> producer;
    private final ScheduledExecutorService ticks = Executors.newSingleThreadScheduledExecutor(r -> {
        Thread t = new Thread(r, "load-driver");
        t.setDaemon(true);
        return t;
    });
    private final AtomicLong sent = new AtomicLong();
    private final AtomicLong refused = new AtomicLong();
    private final AtomicLong tick = new AtomicLong();

    /**
     * @param accepted where the ids of accepted runs go (a scenario's {@link SystemScenario#accepted})
     */
    public LoadDriver(SystemCluster cluster, List<String> tasks, Set<UUID> accepted) {
        this.cluster = cluster;
        this.tasks = List.copyOf(tasks);
        this.accepted = accepted;
        for (String task : tasks) {
            taskIds.put(task, UUID.fromString(cluster.api().get("/api/v1/tasks/" + task).json().path("id").asString()));
        }
        Properties props = new Properties();
        props.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, cluster.kafka().bootstrapServers());
        props.put(ProducerConfig.ACKS_CONFIG, "all");
        props.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, "true");
        props.put(ProducerConfig.DELIVERY_TIMEOUT_MS_CONFIG, "30000");
        props.put(ProducerConfig.REQUEST_TIMEOUT_MS_CONFIG, "10000");
        props.put(ProducerConfig.MAX_BLOCK_MS_CONFIG, "5000");
        producer = new KafkaProducer<>(props, new StringSerializer(), new StringSerializer());
    }

    /** Starts one run per task every {@code periodMillis}. */
    public LoadDriver start(long periodMillis) {
        ticks.scheduleAtFixedRate(this::tick, 0, periodMillis, TimeUnit.MILLISECONDS);
        return this;
    }

    private void tick() {
        boolean external = tick.incrementAndGet() % 2 == 0;
        for (String task : tasks) {
            String key = "load-" + UUID.randomUUID();
            sent.incrementAndGet();
            try {
                if (external) {
                    sendExternal(task, key);
                } else {
                    accepted.add(cluster.api().runOnce(task, key));
                }
            } catch (RuntimeException e) {
                refused.incrementAndGet(); // the API was down or answered an error: nothing was accepted
            }
        }
    }

    private void sendExternal(String task, String key) {
        UUID runId = Ids.runId(Ids.triggerId(taskIds.get(task), TriggerType.EXTERNAL, key));
        String event = Json.encode(Map.of("task", task, "idempotencyKey", key, "parameters", Map.of()));
        producer.send(new ProducerRecord<>("polysync.external-triggers", task, event), (metadata, error) -> {
            if (error == null) {
                accepted.add(runId);
            } else {
                refused.incrementAndGet();
            }
        });
    }

    public long sent() {
        return sent.get();
    }

    public long refused() {
        return refused.get();
    }

    /** Stops the load and waits for the acknowledgements still in flight. */
    @Override
    public void close() {
        ticks.shutdown();
        try {
            ticks.awaitTermination(30, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        producer.close(java.time.Duration.ofSeconds(40));
    }

    /** Creates {@code count} effect tasks named {@code prefix-1..count} that each take {@code sleepSeconds}. */
    public static List<String> effectTasks(Api api, String prefix, int count, double sleepSeconds,
                                           Map<String, Object> fields) {
        List<String> names = new ArrayList<>();
        for (int i = 1; i <= count; i++) {
            String name = prefix + "-" + i;
            api.effectTask(name, sleepSeconds, fields);
            names.add(name);
        }
        return names;
    }
}
