package io.polysync.standalone;

import kafka.server.KafkaConfig;
import kafka.server.KafkaRaftServer;
import kafka.tools.StorageTool;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.common.Uuid;
import org.apache.kafka.common.utils.Time;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.TimeUnit;

/**
 * A single-node KRaft Kafka broker (broker and controller in one) built from the production Kafka jars, keeping its
 * log under the data directory so topics and offsets survive a restart. The log directory is formatted on the first
 * start only: formatting it again with a new cluster id would be refused.
 */
final class EmbeddedKafka implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(EmbeddedKafka.class);

    private final KafkaRaftServer server;
    private final String bootstrapServers;

    private EmbeddedKafka(KafkaRaftServer server, String bootstrapServers) {
        this.server = server;
        this.bootstrapServers = bootstrapServers;
    }

    static EmbeddedKafka start(Path logDir, int port, int partitions) {
        try {
            Files.createDirectories(logDir);
            int controllerPort = freePort();
            Properties props = new Properties();
            props.putAll(Map.ofEntries(
                    Map.entry("process.roles", "broker,controller"),
                    Map.entry("node.id", "1"),
                    Map.entry("controller.quorum.voters", "1@127.0.0.1:" + controllerPort),
                    Map.entry("listeners", "PLAINTEXT://127.0.0.1:" + port + ",CONTROLLER://127.0.0.1:" + controllerPort),
                    Map.entry("advertised.listeners", "PLAINTEXT://127.0.0.1:" + port),
                    Map.entry("controller.listener.names", "CONTROLLER"),
                    Map.entry("listener.security.protocol.map", "PLAINTEXT:PLAINTEXT,CONTROLLER:PLAINTEXT"),
                    Map.entry("inter.broker.listener.name", "PLAINTEXT"),
                    Map.entry("log.dirs", logDir.toAbsolutePath().toString()),
                    Map.entry("num.partitions", Integer.toString(partitions)),
                    Map.entry("offsets.topic.replication.factor", "1"),
                    Map.entry("offsets.topic.num.partitions", "6"),
                    Map.entry("transaction.state.log.replication.factor", "1"),
                    Map.entry("transaction.state.log.min.isr", "1"),
                    Map.entry("share.coordinator.state.topic.replication.factor", "1"),
                    Map.entry("share.coordinator.state.topic.min.isr", "1"),
                    Map.entry("group.initial.rebalance.delay.ms", "0"),
                    // a restarted standalone process should not wait out the sessions of its own previous consumers
                    Map.entry("group.consumer.session.timeout.ms", "10000"),
                    Map.entry("group.consumer.min.session.timeout.ms", "5000"),
                    Map.entry("log.retention.hours", "168")));
            if (!Files.exists(logDir.resolve("meta.properties"))) {
                format(logDir, props);
            }
            KafkaRaftServer server = new KafkaRaftServer(new KafkaConfig(props, false), Time.SYSTEM);
            server.startup();
            EmbeddedKafka kafka = new EmbeddedKafka(server, "127.0.0.1:" + port);
            kafka.awaitReady(Duration.ofSeconds(60));
            return kafka;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot start the embedded Kafka broker in " + logDir, e);
        }
    }

    String bootstrapServers() {
        return bootstrapServers;
    }

    @Override
    public void close() {
        server.shutdown();
        server.awaitShutdown();
    }

    private static void format(Path logDir, Properties props) throws IOException {
        Path config = logDir.resolveSibling("kafka-format.properties");
        try (OutputStream out = Files.newOutputStream(config)) {
            props.store(out, "written once to format the embedded broker's log directory");
        }
        ByteArrayOutputStream output = new ByteArrayOutputStream();
        String clusterId = Uuid.randomUuid().toString();
        int exit = StorageTool.execute(new String[] {"format", "-t", clusterId, "-c", config.toString()},
                new PrintStream(output, true, StandardCharsets.UTF_8));
        Files.deleteIfExists(config);
        if (exit != 0) {
            throw new IllegalStateException("formatting " + logDir + " failed: " + output.toString(StandardCharsets.UTF_8));
        }
        log.info("formatted the embedded Kafka log directory {} (cluster {})", logDir, clusterId);
    }

    /** The broker answers metadata requests only once its controller quorum is up; wait for that. */
    private void awaitReady(Duration timeout) {
        Instant deadline = Instant.now().plus(timeout);
        try (Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers,
                AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG, 5000))) {
            while (true) {
                try {
                    admin.describeCluster().nodes().get(5, TimeUnit.SECONDS);
                    return;
                } catch (Exception e) {
                    if (Instant.now().isAfter(deadline)) {
                        throw new IllegalStateException("the embedded Kafka broker did not become ready", e);
                    }
                }
            }
        }
    }

    private static int freePort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        }
    }
}
