package io.polysync.worker.config;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.time.Duration;
import java.util.HexFormat;
import java.util.concurrent.ThreadLocalRandom;

/**
 * Settings of one worker instance.
 *
 * @param workerId          the identity this instance reports under; the dispatcher fences reports by it, so two
 *                          instances must never share one (default: host name plus a random suffix per start)
 * @param concurrency       how many runs this instance executes in parallel
 * @param heartbeatInterval how often a running run is reported alive (well below the dispatcher's lease timeout)
 * @param reportTimeout     how long a start or outcome report may wait for the broker's acknowledgement
 * @param shell             the {@code shell.command} executor
 * @param http              the {@code http.request} executor
 */
@ConfigurationProperties("polysync.worker")
public record WorkerProperties(
        String workerId,
        @DefaultValue("4") int concurrency,
        @DefaultValue("5s") Duration heartbeatInterval,
        @DefaultValue("30s") Duration reportTimeout,
        @DefaultValue Shell shell,
        @DefaultValue Http http) {

    public WorkerProperties {
        if (workerId == null || workerId.isBlank()) {
            workerId = hostName() + "-" + HexFormat.of().toHexDigits(ThreadLocalRandom.current().nextInt()).substring(0, 6);
        }
        if (concurrency < 1) {
            throw new IllegalArgumentException("polysync.worker.concurrency must be at least 1, was " + concurrency);
        }
        requirePositive("heartbeat-interval", heartbeatInterval);
        requirePositive("report-timeout", reportTimeout);
        shell = shell == null ? new Shell(Duration.ofSeconds(5)) : shell;
        http = http == null ? new Http(Duration.ofSeconds(30)) : http;
    }

    /** @param killGracePeriod how long an interrupted command has between SIGTERM and SIGKILL */
    public record Shell(@DefaultValue("5s") Duration killGracePeriod) {

        public Shell {
            if (killGracePeriod == null || killGracePeriod.isNegative()) {
                throw new IllegalArgumentException("polysync.worker.shell.kill-grace-period must not be negative");
            }
        }
    }

    /** @param defaultTimeout the request timeout of an {@code http.request} job that sets no {@code timeoutSeconds} */
    public record Http(@DefaultValue("30s") Duration defaultTimeout) {

        public Http {
            requirePositive("http.default-timeout", defaultTimeout);
        }
    }

    private static void requirePositive(String name, Duration value) {
        if (value == null || value.isZero() || value.isNegative()) {
            throw new IllegalArgumentException("polysync.worker." + name + " must be positive, was " + value);
        }
    }

    private static String hostName() {
        String fromEnvironment = System.getenv("HOSTNAME");
        if (fromEnvironment != null && !fromEnvironment.isBlank()) {
            return fromEnvironment;
        }
        try {
            return InetAddress.getLocalHost().getHostName();
        } catch (UnknownHostException e) {
            return "worker";
        }
    }
}
