package io.polysync.systemtest.harness;

import org.apache.kafka.common.Uuid;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

/**
 * A real Kafka broker process (KRaft, broker and controller in one) from the production jars on Maven Central, on
 * loopback. Killing it with {@code kill -9} and starting it again keeps its log directory, as a crashed broker would.
 */
public final class KafkaBroker {

    private final Path dir;
    private final int port;
    private final OsProcess process;

    /**
     * A fresh broker: an earlier suite run's log directory is removed first, as {@link PostgresCluster#create()} does
     * with its data, so topics never hold records of a run whose database is gone.
     */
    public KafkaBroker(Path dir, int port, String classpath) {
        this.dir = dir;
        deleteRecursively(dir);
        this.port = port;
        this.process = new OsProcess("kafka", List.of(java(), "-Xmx512m", "-XX:+UseSerialGC", "-cp", classpath,
                "kafka.Kafka", dir.resolve("server.properties").toString()), Map.of(), dir.resolve("kafka.log"));
        writeConfig(classpath);
    }

    public String bootstrapServers() {
        return "127.0.0.1:" + port;
    }

    public OsProcess process() {
        return process;
    }

    private void writeConfig(String classpath) {
        try {
            Files.createDirectories(dir);
            Path logs = dir.resolve("data");
            Files.writeString(dir.resolve("server.properties"), String.join("\n",
                    "process.roles=broker,controller",
                    "node.id=1",
                    "controller.quorum.voters=1@127.0.0.1:" + (port + 1),
                    "listeners=PLAINTEXT://127.0.0.1:" + port + ",CONTROLLER://127.0.0.1:" + (port + 1),
                    "advertised.listeners=PLAINTEXT://127.0.0.1:" + port,
                    "controller.listener.names=CONTROLLER",
                    "listener.security.protocol.map=PLAINTEXT:PLAINTEXT,CONTROLLER:PLAINTEXT",
                    "log.dirs=" + logs,
                    "num.partitions=6",
                    "offsets.topic.replication.factor=1",
                    "offsets.topic.num.partitions=6",
                    "transaction.state.log.replication.factor=1",
                    "transaction.state.log.min.isr=1",
                    "share.coordinator.state.topic.replication.factor=1",
                    "share.coordinator.state.topic.min.isr=1",
                    "group.initial.rebalance.delay.ms=0",
                    ""));
            Commands.run(List.of(java(), "-cp", classpath, "kafka.tools.StorageTool", "format",
                    "-t", clusterId(), "-c", dir.resolve("server.properties").toString()));
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    private static void deleteRecursively(Path dir) {
        if (!Files.exists(dir)) {
            return;
        }
        try (java.util.stream.Stream<Path> paths = Files.walk(dir)) {
            paths.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        } catch (IOException e) {
            throw new IllegalStateException("cannot remove the old broker directory " + dir + ": " + e.getMessage(), e);
        }
    }

    /**
     * A Kafka cluster id from Kafka's own generator, which never begins with '-': a base64url id that did (one in
     * 64) was taken by the storage tool for an option, and the broker was never formatted.
     */
    private static String clusterId() {
        return Uuid.randomUuid().toString();
    }

    static String java() {
        return Path.of(System.getProperty("java.home"), "bin", "java").toString();
    }
}
