package io.polysync.systemtest.harness;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.stream.Stream;

/**
 * A private PostgreSQL cluster on its own port, made with the server package's initdb and run with pg_ctl, so a
 * scenario may stop it in immediate mode (a crash as far as the data is concerned) without touching the machine's
 * shared server (DESIGN.md section 10 rule 25). Run as the {@code postgres} user when the suite runs as root, since
 * PostgreSQL refuses to run as root.
 */
public final class PostgresCluster {

    private final Path dataDir;
    private final Path logFile;
    private final int port;
    private final Path bin;
    private final boolean asPostgresUser;

    public PostgresCluster(Path dir, int port) {
        this.dataDir = dir.resolve("data");
        this.logFile = dir.resolve("postgres.log");
        this.port = port;
        this.bin = serverBinaries();
        this.asPostgresUser = "root".equals(System.getProperty("user.name"));
    }

    public int port() {
        return port;
    }

    public String jdbcUrl(String database) {
        return "jdbc:postgresql://127.0.0.1:" + port + "/" + database;
    }

    /** A fresh cluster: an earlier run's data directory is removed first. */
    public void create() {
        try {
            Path dir = dataDir.getParent();
            if (Files.exists(dir)) {
                try (Stream<Path> paths = Files.walk(dir)) {
                    paths.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
                }
            }
            Files.createDirectories(dir);
            if (asPostgresUser) {
                Commands.run(List.of("chown", "-R", "postgres:postgres", dir.toString()));
            }
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
        Commands.run(command(bin.resolve("initdb").toString(), "-D", dataDir.toString(), "-U", "postgres",
                "-A", "trust", "-E", "UTF8", "--no-sync"));
    }

    public void start() {
        // the socket directory is the data directory: /var/run/postgresql belongs to the machine's own server
        Commands.run(command(bin.resolve("pg_ctl").toString(), "start", "-w", "-t", "60", "-D", dataDir.toString(),
                "-l", logFile.toString(), "-o", "-p " + port + " -k " + dataDir + " -c listen_addresses=127.0.0.1"
                        + " -c max_connections=300 -c shared_buffers=64MB"));
    }

    /** {@code pg_ctl stop -m immediate}: every backend killed, no checkpoint; the next start recovers from WAL. */
    public void stopImmediately() {
        Commands.run(command(bin.resolve("pg_ctl").toString(), "stop", "-m", "immediate", "-w", "-D",
                dataDir.toString()));
    }

    public void stop() {
        if (isRunning()) {
            Commands.run(command(bin.resolve("pg_ctl").toString(), "stop", "-m", "fast", "-w", "-D",
                    dataDir.toString()));
        }
    }

    public boolean isRunning() {
        try {
            Commands.run(command(bin.resolve("pg_ctl").toString(), "status", "-D", dataDir.toString()));
            return true;
        } catch (IllegalStateException e) {
            return false;
        }
    }

    public void createDatabase(String name) {
        try (Connection c = DriverManager.getConnection(jdbcUrl("postgres"), "postgres", "")) {
            c.createStatement().execute("CREATE DATABASE " + name);
        } catch (SQLException e) {
            throw new IllegalStateException("cannot create database " + name + ": " + e.getMessage(), e);
        }
    }

    private List<String> command(String... argv) {
        List<String> command = new ArrayList<>();
        if (asPostgresUser) {
            command.addAll(List.of("runuser", "-u", "postgres", "--"));
        }
        command.addAll(List.of(argv));
        return command;
    }

    /** The newest installed server's binaries (Debian: /usr/lib/postgresql/&lt;major&gt;/bin). */
    private static Path serverBinaries() {
        Path root = Path.of("/usr/lib/postgresql");
        try (Stream<Path> versions = Files.list(root)) {
            return versions.filter(v -> Files.isExecutable(v.resolve("bin/initdb")))
                    .max(Comparator.comparingInt(v -> Integer.parseInt(v.getFileName().toString().replaceAll("\\D", "0"))))
                    .map(v -> v.resolve("bin"))
                    .orElseThrow(() -> new IllegalStateException("no PostgreSQL server binaries under " + root
                            + ": install the postgresql package (.ci/run does)"));
        } catch (IOException e) {
            throw new IllegalStateException("no PostgreSQL server binaries under " + root + ": " + e.getMessage(), e);
        }
    }
}
