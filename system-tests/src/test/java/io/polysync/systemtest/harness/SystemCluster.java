package io.polysync.systemtest.harness;

import org.awaitility.Awaitility;

import java.io.IOException;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

/**
 * The whole multi-process deployment on loopback, started once per test JVM and shared by every scenario (DESIGN.md
 * section 10 rule 25): a private PostgreSQL cluster, one Kafka broker process, one task-service and two of each other
 * service. Leases, start timeouts, heartbeats and the misfire threshold are seconds, so faults play out quickly.
 *
 * <p>Scenarios inject faults into the processes and call {@link #heal()} afterwards, which resumes what is paused and
 * starts what is dead, so the next scenario finds the cluster whole.
 */
public final class SystemCluster {

    public static final String ADMIN_TOKEN = "psy_system-tests-admin-token-0000000000000000000";
    static final String INTERNAL_TOKEN = "system-tests-internal-token-00000000000000000000";
    /** How long a RUNNING run's heartbeats may stop before the dispatcher fails it LOST. */
    public static final Duration LEASE_TIMEOUT = Duration.ofSeconds(4);
    /**
     * How long an admitted run may wait for a worker's RunStarted before it is failed LOST. A run admitted onto a
     * partition of a killed worker waits for the session timeout (10 s), the rebalance, and any run ahead of it in
     * that partition: in {@code ContentionPermitsSystemIT} a 15 s permit holder, which took a waiter 23 s to start
     * in one CI run. 30 s leaves room for that; a run whose worker never comes is still failed within the scenarios'
     * waits.
     */
    public static final Duration START_TIMEOUT = Duration.ofSeconds(30);
    /** A fire later than this counts as missed and is handled by the task's misfire policy. */
    public static final Duration MISFIRE_THRESHOLD = Duration.ofSeconds(3);

    private static SystemCluster instance;

    private final Path work;
    private final PostgresCluster postgres;
    private final KafkaBroker kafka;
    private final Map<String, ServiceProcess> services = new LinkedHashMap<>();
    private final Effects effects;
    private final Ledger ledger;
    private final Api api;
    private final TopicReader topics;

    /** The cluster of this JVM, started on first use and stopped when the JVM exits. */
    public static synchronized SystemCluster get() {
        if (instance == null) {
            instance = new SystemCluster();
            Runtime.getRuntime().addShutdownHook(new Thread(instance::stopAll, "system-cluster-stop"));
            instance.startAll();
        }
        return instance;
    }

    private SystemCluster() {
        Path root = Path.of(System.getProperty("polysync.root", ".."));
        work = Path.of(System.getProperty("polysync.system.work", "target/system")).toAbsolutePath();
        int base = Integer.getInteger("polysync.system.base-port", 19400);
        try {
            Files.createDirectories(work.resolve("logs"));
            Files.deleteIfExists(work.resolve("effects.log"));
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
        // PostgreSQL refuses to run as root, and the postgres user must reach its directory: keep it under /tmp
        postgres = new PostgresCluster(Path.of("/tmp", "polysync-system-pg-" + base), base);
        kafka = new KafkaBroker(work.resolve("kafka"), base + 1, brokerClasspath());
        effects = new Effects(work.resolve("effects.log"));
        ledger = new Ledger(postgres.jdbcUrl("polysync"));
        api = new Api("http://127.0.0.1:" + (base + 10), ADMIN_TOKEN);
        topics = new TopicReader(kafka.bootstrapServers());

        List<String> common = List.of(
                "--spring.kafka.bootstrap-servers=" + kafka.bootstrapServers(),
                "--spring.datasource.url=" + postgres.jdbcUrl("polysync"),
                "--spring.datasource.username=postgres",
                "--spring.datasource.hikari.connection-timeout=5000",
                "--spring.lifecycle.timeout-per-shutdown-phase=10s",
                "--polysync.runtime.outbox.sweep-interval=500ms");
        Path logs = work.resolve("logs");
        Map<String, String> env = Map.of("POLYSYNC_INTERNAL_TOKEN", INTERNAL_TOKEN,
                "POLYSYNC_MASTER_KEY", "c3lzdGVtLXRlc3RzLW1hc3Rlci1rZXktMzItYnl0ZXM=");
        add(new ServiceProcess("task-service", jar(root, "task-service"), base + 10, with(common),
                with(env, "POLYSYNC_ADMIN_TOKEN", ADMIN_TOKEN), logs));
        for (int i = 1; i <= 2; i++) {
            add(new ServiceProcess("scheduler-" + i, jar(root, "scheduler-service"), base + 10 + i, with(common,
                    "--polysync.scheduler.misfire-threshold=" + MISFIRE_THRESHOLD.toSeconds() + "s"), env, logs));
            add(new ServiceProcess("dispatcher-" + i, jar(root, "dispatcher-service"), base + 12 + i, with(common,
                    "--polysync.dispatcher.lease-timeout=" + LEASE_TIMEOUT.toSeconds() + "s",
                    "--polysync.dispatcher.start-timeout=" + START_TIMEOUT.toSeconds() + "s",
                    "--polysync.dispatcher.recheck-interval=500ms"), env, logs));
            add(new ServiceProcess("worker-" + i, jar(root, "worker-service"), base + 14 + i, with(common,
                    "--polysync.worker.worker-id=worker-" + i,
                    "--polysync.worker.heartbeat-interval=1s",
                    "--polysync.worker.shutdown-grace=5s",
                    "--polysync.worker.concurrency=4",
                    "--polysync.worker.task-service-url=http://127.0.0.1:" + (base + 10)),
                    with(with(env, "POLYSYNC_EFFECTS_FILE", effects.file().toString()), "SYSTEM_TEST_NODE",
                            "worker-" + i), logs));
        }
    }

    private void add(ServiceProcess service) {
        services.put(service.name(), service);
    }

    public ServiceProcess service(String name) {
        ServiceProcess service = services.get(name);
        if (service == null) {
            throw new IllegalArgumentException("no service " + name + "; there are " + services.keySet());
        }
        return service;
    }

    public List<ServiceProcess> services() {
        return List.copyOf(services.values());
    }

    public PostgresCluster postgres() {
        return postgres;
    }

    public KafkaBroker kafka() {
        return kafka;
    }

    public Api api() {
        return api;
    }

    public Ledger ledger() {
        return ledger;
    }

    public Effects effects() {
        return effects;
    }

    public TopicReader topics() {
        return topics;
    }

    public Path work() {
        return work;
    }

    private void startAll() {
        postgres.create();
        postgres.start();
        postgres.createDatabase("polysync");
        kafka.process().start();
        awaitPort(kafka.bootstrapServers(), Duration.ofSeconds(90));
        services.values().forEach(OsProcess::start);
        awaitReady(Duration.ofMinutes(4));
        api.ensureEffectJob();
    }

    /**
     * Undoes every fault: resumes paused processes, starts PostgreSQL, the broker and any service that is not
     * running, and waits until every service is ready again.
     */
    public void heal() {
        if (!postgres.isRunning()) {
            postgres.start();
        }
        if (kafka.process().isPaused()) {
            kafka.process().resume();
        }
        if (!kafka.process().isAlive()) {
            kafka.process().start();
        }
        awaitPort(kafka.bootstrapServers(), Duration.ofSeconds(90));
        for (ServiceProcess service : services.values()) {
            if (service.isPaused()) {
                service.resume();
            }
            if (!service.isAlive()) {
                service.start();
            }
        }
        awaitReady(Duration.ofMinutes(3));
    }

    public void awaitReady(Duration timeout) {
        Awaitility.await("every service ready").atMost(timeout).pollInterval(Duration.ofMillis(500))
                .until(() -> services.values().stream().allMatch(ServiceProcess::isReady));
    }

    public void awaitReady(ServiceProcess service) {
        Awaitility.await(service.name() + " ready").atMost(Duration.ofMinutes(2)).pollInterval(Duration.ofMillis(300))
                .until(service::isReady);
    }

    private void stopAll() {
        services.values().forEach(OsProcess::kill);
        kafka.process().kill();
        try {
            postgres.stop();
        } catch (RuntimeException e) {
            System.err.println("stopping the private PostgreSQL failed: " + e.getMessage());
        }
    }

    private static void awaitPort(String hostPort, Duration timeout) {
        String[] parts = hostPort.split(":");
        Awaitility.await("port " + hostPort).atMost(timeout).pollInterval(Duration.ofMillis(300)).until(() -> {
            try (Socket ignored = new Socket(parts[0], Integer.parseInt(parts[1]))) {
                return true;
            } catch (IOException e) {
                return false;
            }
        });
    }

    private static Path jar(Path root, String module) {
        Path jar = root.resolve(module).resolve("target").resolve(module + ".jar");
        if (!Files.isRegularFile(jar)) {
            throw new IllegalStateException(jar + " is missing: the system tests start the packaged jars "
                    + "(./mvnw package, or verify from the root)");
        }
        return jar;
    }

    private static String brokerClasspath() {
        Path file = Path.of(System.getProperty("polysync.system.broker-classpath", "target/broker.classpath"));
        try {
            return Files.readString(file).trim();
        } catch (IOException e) {
            throw new IllegalStateException("cannot read the broker classpath " + file + ": " + e.getMessage(), e);
        }
    }

    private static List<String> with(List<String> list, String... more) {
        List<String> all = new ArrayList<>(list);
        all.addAll(List.of(more));
        return all;
    }

    private static Map<String, String> with(Map<String, String> map, String key, String value) {
        Map<String, String> all = new LinkedHashMap<>(map);
        all.put(key, value);
        return all;
    }

    /** Names of the services of one kind ({@code worker}, {@code dispatcher}, {@code scheduler}). */
    public List<ServiceProcess> replicas(String kind) {
        return services.values().stream().filter(s -> s.name().startsWith(kind + "-")).toList();
    }

    static Stream<ServiceProcess> all(SystemCluster cluster) {
        return cluster.services.values().stream();
    }
}
