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
 * @param taskServiceUrl    where the task-service's internal API answers vault references ({@code vault://v/s})
 * @param internalToken     the bearer token presented to that internal API (DESIGN.md section 10 rule 16)
 * @param lowerBandShare    the least share of polls each lower band gets while it has work, however busy the higher
 *                          bands are (DESIGN.md section 10 rule 23); at most 0.5
 * @param shutdownGrace     how long a stopping worker waits for its runs before it fails them as
 *                          {@code WORKER_SHUTDOWN} (rule 9)
 * @param runsPerPoll       the most runs a slot takes from one poll and executes one after the other, acknowledging
 *                          and committing them together; short runs need it, long ones are unaffected
 */
@ConfigurationProperties("polysync.worker")
public record WorkerProperties(
        String workerId,
        @DefaultValue("4") int concurrency,
        @DefaultValue("5s") Duration heartbeatInterval,
        @DefaultValue("30s") Duration reportTimeout,
        @DefaultValue Shell shell,
        @DefaultValue Http http,
        @DefaultValue("http://localhost:8080") String taskServiceUrl,
        String internalToken,
        @DefaultValue("0.1") double lowerBandShare,
        @DefaultValue("30s") Duration shutdownGrace,
        @DefaultValue("50") int runsPerPoll) {

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
        http = http == null ? new Http(Duration.ofSeconds(30), null) : http;
        taskServiceUrl = taskServiceUrl == null || taskServiceUrl.isBlank() ? "http://localhost:8080" : taskServiceUrl;
        if (lowerBandShare < 0 || lowerBandShare > 0.5) {
            throw new IllegalArgumentException("polysync.worker.lower-band-share must be within [0, 0.5], was "
                    + lowerBandShare);
        }
        if (shutdownGrace == null || shutdownGrace.isNegative()) {
            throw new IllegalArgumentException("polysync.worker.shutdown-grace must not be negative");
        }
        if (runsPerPoll < 1) {
            throw new IllegalArgumentException("polysync.worker.runs-per-poll must be at least 1, was " + runsPerPoll);
        }
    }

    /** @param killGracePeriod how long an interrupted command has between SIGTERM and SIGKILL */
    public record Shell(@DefaultValue("5s") Duration killGracePeriod) {

        public Shell {
            if (killGracePeriod == null || killGracePeriod.isNegative()) {
                throw new IllegalArgumentException("polysync.worker.shell.kill-grace-period must not be negative");
            }
        }
    }

    /**
     * @param defaultTimeout the request timeout of an {@code http.request} job that sets no {@code timeoutSeconds}
     * @param circuitBreaker the breaker kept per http platform
     */
    public record Http(@DefaultValue("30s") Duration defaultTimeout, @DefaultValue CircuitBreaker circuitBreaker) {

        public Http {
            requirePositive("http.default-timeout", defaultTimeout);
            circuitBreaker = circuitBreaker == null ? new CircuitBreaker(50, 10, Duration.ofSeconds(30)) : circuitBreaker;
        }
    }

    /**
     * @param failureRateThreshold the percentage of failed calls (5xx, connection errors, timeouts) in the window
     *                             that opens the breaker
     * @param windowSize           how many of a platform's latest calls the rate is computed over (and the least
     *                             number of calls before it is computed at all)
     * @param waitInOpenState      how long an open breaker fails runs fast before it lets trial calls through
     */
    public record CircuitBreaker(@DefaultValue("50") float failureRateThreshold, @DefaultValue("10") int windowSize,
                                 @DefaultValue("30s") Duration waitInOpenState) {

        public CircuitBreaker {
            if (failureRateThreshold <= 0 || failureRateThreshold > 100) {
                throw new IllegalArgumentException(
                        "polysync.worker.http.circuit-breaker.failure-rate-threshold must be in (0, 100]");
            }
            if (windowSize < 1) {
                throw new IllegalArgumentException("polysync.worker.http.circuit-breaker.window-size must be at least 1");
            }
            requirePositive("http.circuit-breaker.wait-in-open-state", waitInOpenState);
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
