package io.polysync.bench;

import io.polysync.systemtest.harness.OsProcess;

import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Polysync as the benchmark drives it: processes started from the packaged jars against the fresh bench database,
 * an API address, the broker's address, and the process that schedules (restarted by the scale scenario).
 */
public abstract class Deployment implements AutoCloseable {

    static final String INTERNAL_TOKEN = "bench-internal-token-0000000000000000000000000000";
    static final String MASTER_KEY = "YmVuY2gtbWFzdGVyLWtleS0zMi1ieXRlcy0wMDAwMDA=";
    private static final HttpClient HTTP = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(2)).build();

    protected final Options options;
    protected final Path work;
    protected final String databaseUrl;
    /** Every process, by name, in start order; the ones with a port serve /actuator/health/readiness. */
    protected final Map<String, OsProcess> processes = new LinkedHashMap<>();
    protected final Map<String, Integer> ports = new LinkedHashMap<>();

    protected Deployment(Options options, Path work, String databaseUrl) {
        this.options = options;
        this.work = work;
        this.databaseUrl = databaseUrl;
    }

    public abstract String name();

    public abstract String apiUrl();

    public abstract String bootstrapServers();

    /** The process whose restart the scale scenario measures: the scheduler, or the whole standalone jar. */
    public abstract OsProcess scheduler();

    /** Where the scheduler's meters are served (/actuator/prometheus, with the admin token where it is needed). */
    public abstract String schedulerMetricsUrl();

    public Map<String, OsProcess> processes() {
        return processes;
    }

    public void start() {
        for (OsProcess process : processes.values()) {
            process.start();
            if (process.name().equals("kafka")) {
                awaitPort(bootstrapServers(), options.startTimeout());
            }
        }
        awaitReady(processes.keySet().stream().filter(ports::containsKey).toList(), options.startTimeout());
    }

    /** kill -9 and start again; answers the instant it reported ready. */
    public Instant restart(OsProcess process) {
        process.kill();
        process.start();
        awaitReady(List.of(process.name()), options.startTimeout());
        return Instant.now();
    }

    protected void awaitReady(List<String> names, Duration timeout) {
        Instant deadline = Instant.now().plus(timeout);
        List<String> waiting = new ArrayList<>(names);
        while (!waiting.isEmpty()) {
            waiting.removeIf(this::isReady);
            for (String name : waiting) {
                if (!processes.get(name).isAlive()) {
                    throw new IllegalStateException(name + " exited during start-up; see " + processes.get(name).log());
                }
            }
            if (!waiting.isEmpty() && Instant.now().isAfter(deadline)) {
                throw new IllegalStateException(waiting + " not ready within " + timeout + "; logs in " + work);
            }
            sleep(Duration.ofMillis(200));
        }
    }

    private boolean isReady(String name) {
        try {
            HttpResponse<Void> r = HTTP.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + ports.get(name)
                    + "/actuator/health/readiness")).timeout(Duration.ofSeconds(3)).GET().build(),
                    HttpResponse.BodyHandlers.discarding());
            return r.statusCode() == 200;
        } catch (Exception e) {
            return false;
        }
    }

    /** Kills every process; safe to call twice and from a shutdown hook. */
    @Override
    public void close() {
        List<OsProcess> reversed = new ArrayList<>(processes.values());
        java.util.Collections.reverse(reversed);
        for (OsProcess process : reversed) {
            try {
                process.kill();
            } catch (RuntimeException e) {
                System.err.println("killing " + process.name() + " failed: " + e.getMessage());
            }
        }
    }

    protected List<String> javaCommand(Path jar, List<String> arguments) {
        List<String> argv = new ArrayList<>();
        argv.add(options.java().toString());
        argv.addAll(List.of(options.jvmOptions().trim().split("\\s+")));
        argv.add("-jar");
        argv.add(jar.toString());
        argv.addAll(arguments);
        return argv;
    }

    protected Map<String, String> environment() {
        return Map.of("POLYSYNC_ADMIN_TOKEN", PolysyncApi.ADMIN_TOKEN, "POLYSYNC_INTERNAL_TOKEN", INTERNAL_TOKEN,
                "POLYSYNC_MASTER_KEY", MASTER_KEY);
    }

    protected Path jar(String module, String name) {
        Path jar = options.root().resolve(module).resolve("target").resolve(name + ".jar");
        if (!Files.isRegularFile(jar)) {
            throw new IllegalStateException(jar + " is missing: build first with "
                    + "./mvnw -B -ntp -q package -DskipTests (run the benchmark from the repository root or give --root)");
        }
        return jar;
    }

    static void awaitPort(String hostPort, Duration timeout) {
        String[] parts = hostPort.split(":");
        Instant deadline = Instant.now().plus(timeout);
        while (true) {
            try (Socket ignored = new Socket(parts[0], Integer.parseInt(parts[1]))) {
                return;
            } catch (java.io.IOException e) {
                if (Instant.now().isAfter(deadline)) {
                    throw new IllegalStateException("nothing listens on " + hostPort + " after " + timeout);
                }
                sleep(Duration.ofMillis(200));
            }
        }
    }

    static void sleep(Duration duration) {
        try {
            Thread.sleep(duration.toMillis());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted", e);
        }
    }

    static void deleteRecursively(Path dir) {
        if (!Files.exists(dir)) {
            return;
        }
        try (java.util.stream.Stream<Path> paths = Files.walk(dir)) {
            paths.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        } catch (java.io.IOException e) {
            throw new IllegalStateException("cannot remove " + dir + ": " + e.getMessage(), e);
        }
    }

    /** The standalone jar: all four services and an embedded KRaft broker in one JVM, on the bench database. */
    public static final class Standalone extends Deployment {

        private final int port;
        private final int kafkaPort;

        public Standalone(Options options, Path work, String databaseUrl) {
            super(options, work, databaseUrl);
            this.port = options.basePort() + 20;
            this.kafkaPort = options.basePort() + 21;
            Path data = work.resolve("standalone-data");
            deleteRecursively(data);
            try {
                Files.createDirectories(work);
            } catch (java.io.IOException e) {
                throw new IllegalStateException(e);
            }
            OsProcess jar = new OsProcess("standalone", javaCommand(jar("standalone", "polysync-standalone"), List.of(
                    "--server.port=" + port,
                    "--polysync.data-dir=" + data,
                    "--polysync.standalone.kafka-port=" + kafkaPort,
                    "--polysync.standalone.database-url=" + databaseUrl,
                    "--polysync.standalone.database-username=postgres",
                    "--polysync.standalone.database-password=",
                    // one worker does the work of the distributed mode's two
                    "--polysync.worker.concurrency=" + 2 * options.workerConcurrency())),
                    environment(), work.resolve("standalone.log"));
            processes.put(jar.name(), jar);
            ports.put(jar.name(), port);
        }

        @Override
        public String name() {
            return "standalone";
        }

        @Override
        public String apiUrl() {
            return "http://127.0.0.1:" + port;
        }

        @Override
        public String bootstrapServers() {
            return "127.0.0.1:" + kafkaPort;
        }

        @Override
        public OsProcess scheduler() {
            return processes.get("standalone");
        }

        @Override
        public String schedulerMetricsUrl() {
            return apiUrl() + "/actuator/prometheus";
        }
    }

    /**
     * The services as separate processes, as the system tests start them (their harness's OsProcess and
     * KafkaBroker): one broker, one task-service for the API, one scheduler, one dispatcher and two workers.
     */
    public static final class Distributed extends Deployment {

        private final io.polysync.systemtest.harness.KafkaBroker kafka;
        private final int base;

        public Distributed(Options options, Path work, String databaseUrl) {
            super(options, work, databaseUrl);
            this.base = options.basePort();
            Path logs = work.resolve("logs");
            try {
                Files.createDirectories(logs);
            } catch (java.io.IOException e) {
                throw new IllegalStateException(e);
            }
            kafka = new io.polysync.systemtest.harness.KafkaBroker(work.resolve("kafka"), base, brokerClasspath());
            processes.put("kafka", kafka.process());
            List<String> common = List.of(
                    "--spring.kafka.bootstrap-servers=" + kafka.bootstrapServers(),
                    "--spring.datasource.url=" + databaseUrl,
                    "--spring.datasource.username=postgres");
            service("task-service", "task-service", base + 10, common, logs);
            service("scheduler", "scheduler-service", base + 11, common, logs);
            service("dispatcher", "dispatcher-service", base + 12, common, logs);
            for (int i = 1; i <= 2; i++) {
                List<String> worker = new ArrayList<>(common);
                worker.add("--polysync.worker.worker-id=worker-" + i);
                worker.add("--polysync.worker.concurrency=" + options.workerConcurrency());
                worker.add("--polysync.worker.task-service-url=http://127.0.0.1:" + (base + 10));
                service("worker-" + i, "worker-service", base + 12 + i, worker, logs);
            }
        }

        private void service(String name, String module, int port, List<String> arguments, Path logs) {
            List<String> args = new ArrayList<>(List.of("--server.port=" + port));
            args.addAll(arguments);
            processes.put(name, new OsProcess(name, javaCommand(jar(module, module), args), environment(),
                    logs.resolve(name + ".log")));
            ports.put(name, port);
        }

        /** The broker runs kafka.Kafka from the jars the bench module copied beside its own jar. */
        private static String brokerClasspath() {
            try {
                Path self = Path.of(Distributed.class.getProtectionDomain().getCodeSource().getLocation().toURI());
                Path lib = self.getParent().resolve("lib");
                if (!Files.isDirectory(lib)) {
                    throw new IllegalStateException(lib + " is missing: run the packaged bench jar "
                            + "(bench/target/polysync-bench.jar), whose lib/ holds the broker's jars");
                }
                return lib + "/*";
            } catch (java.net.URISyntaxException e) {
                throw new IllegalStateException(e);
            }
        }

        @Override
        public String name() {
            return "distributed";
        }

        @Override
        public String apiUrl() {
            return "http://127.0.0.1:" + (base + 10);
        }

        @Override
        public String bootstrapServers() {
            return kafka.bootstrapServers();
        }

        @Override
        public OsProcess scheduler() {
            return processes.get("scheduler");
        }

        @Override
        public String schedulerMetricsUrl() {
            return "http://127.0.0.1:" + (base + 11) + "/actuator/prometheus";
        }
    }
}
