package io.polysync.standalone;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

import java.nio.file.Path;

/**
 * Settings of the standalone mode. Every other property given on the command line (or in the environment) is passed
 * on to each service unchanged, e.g. {@code --polysync.worker.concurrency=8}.
 *
 * @param dataDir    where the H2 database and the broker's log live; kept between restarts
 * @param standalone the embedded parts
 */
@ConfigurationProperties("polysync")
public record StandaloneProperties(@DefaultValue("polysync-data") Path dataDir, @DefaultValue Standalone standalone) {

    /**
     * @param kafkaPort   the embedded broker's client port (a free port with 0)
     * @param partitions  partitions of each topic
     * @param databaseUrl a PostgreSQL JDBC URL to use instead of the H2 file database (one schema per service)
     * @param databaseUsername user for {@code databaseUrl}
     * @param databasePassword password for {@code databaseUrl}
     */
    public record Standalone(
            @DefaultValue("19092") int kafkaPort,
            @DefaultValue("6") int partitions,
            String databaseUrl,
            @DefaultValue("postgres") String databaseUsername,
            @DefaultValue("") String databasePassword) {
    }
}
