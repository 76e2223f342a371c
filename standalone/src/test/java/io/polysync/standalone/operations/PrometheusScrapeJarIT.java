package io.polysync.standalone.operations;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import tools.jackson.databind.JsonNode;

import java.io.IOException;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The operator's view, for real: the packaged standalone jar scraped by Debian's Prometheus with the repository's
 * alert rules loaded. After a workload, every dashboard panel's PromQL and every alert expression (without its
 * threshold) must evaluate without error and return series; the rules must evaluate cleanly, and the provoked dead
 * letter must fire its alert.
 */
class PrometheusScrapeJarIT {

    private static final String ADMIN_TOKEN = "psy_operations-admin-token-for-tests-only-0000000";

    @TempDir
    Path dataDir;
    @TempDir
    Path prometheusDir;

    private Process polysync;
    private Process prometheus;
    private Path polysyncLog;
    private Path prometheusLog;

    @AfterEach
    void stop() throws InterruptedException {
        stop(prometheus);
        stop(polysync);
    }

    @Test
    void everyDashboardAndAlertQueryReturnsSeriesFromAScrapedPolysync() throws Exception {
        int port = freePort();
        int kafkaPort = freePort();
        int prometheusPort = freePort();
        Api polysyncApi = new Api("http://127.0.0.1:" + port, ADMIN_TOKEN);
        startPolysync(port, kafkaPort);

        // the task-service serves /actuator/prometheus to viewers only, as Prometheus will be
        Api anonymous = new Api("http://127.0.0.1:" + port, null);
        assertThat(anonymous.get("/actuator/prometheus").status()).isEqualTo(401);
        String viewerToken = polysyncApi.create("/api/v1/tokens", "{\"name\":\"prometheus\",\"role\":\"viewer\"}")
                .path("token").asString();
        startPrometheus(prometheusPort, port, viewerToken);
        Api prometheusApi = new Api("http://127.0.0.1:" + prometheusPort, null);

        new Workload(polysyncApi, port, "127.0.0.1:" + kafkaPort).run();

        List<Queries.Query> queries = new ArrayList<>(Queries.dashboardPanels());
        queries.addAll(Queries.alertRules());
        assertThat(queries).hasSizeGreaterThan(40);
        // an expression Prometheus rejects is wrong at once; one without series may only lack a scrape yet
        assertThat(queries).allSatisfy(query -> assertThat(evaluate(prometheusApi, query).path("status").asString())
                .as(query.source() + ": " + query.expr()).isEqualTo("success"));
        await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofSeconds(1)).untilAsserted(() ->
                assertThat(queries.stream().filter(q -> evaluate(prometheusApi, q).path("data").path("result").isEmpty())
                        .map(q -> q.source() + ": " + q.expr()).toList())
                        .as("queries that return no series").isEmpty());

        await().atMost(Duration.ofSeconds(20)).pollInterval(Duration.ofSeconds(1)).untilAsserted(() -> {
            JsonNode groups = prometheusApi.get("/api/v1/rules").json().path("data").path("groups");
            assertThat(groups).isNotEmpty();
            for (JsonNode group : groups) {
                for (JsonNode rule : group.path("rules")) {
                    assertThat(rule.path("health").asString()).as(rule.path("name") + ": " + rule.path("lastError"))
                            .isEqualTo("ok");
                }
            }
            assertThat(firingAlerts(prometheusApi)).contains("PolysyncDeadLetters");
        });
    }

    private static JsonNode evaluate(Api prometheusApi, Queries.Query query) {
        return prometheusApi.get("/api/v1/query?query=" + Api.encode(query.expr())).json();
    }

    private static List<String> firingAlerts(Api prometheusApi) {
        List<String> firing = new ArrayList<>();
        for (JsonNode alert : prometheusApi.get("/api/v1/alerts").json().path("data").path("alerts")) {
            if ("firing".equals(alert.path("state").asString())) {
                firing.add(alert.path("labels").path("alertname").asString());
            }
        }
        return firing;
    }

    private void startPolysync(int port, int kafkaPort) throws IOException {
        String jar = System.getProperty("polysync.standalone.jar");
        assertThat(jar).as("path of the packaged jar (set by the failsafe configuration)").isNotBlank();
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        polysyncLog = Files.createTempFile("polysync-operations", ".log");
        polysync = new ProcessBuilder(List.of(java, "-Xmx768m", "-jar", jar,
                "--server.port=" + port,
                "--polysync.data-dir=" + dataDir,
                "--polysync.task.security.admin-token=" + ADMIN_TOKEN,
                "--polysync.standalone.kafka-port=" + kafkaPort,
                // gauges refreshed from the ledger, the outbox and the broker every second or two, not every 5-10 s
                "--polysync.dispatcher.metrics-interval=1s",
                "--polysync.runtime.outbox.metrics-interval=1s",
                "--polysync.runtime.lag-monitor.interval=2s"))
                .redirectErrorStream(true).redirectOutput(polysyncLog.toFile()).start();
        Api api = new Api("http://127.0.0.1:" + port, null);
        await().atMost(Duration.ofSeconds(120)).pollInterval(Duration.ofMillis(500))
                .failFast("the standalone process exited or a service failed to start; its log: " + polysyncLog,
                        () -> !polysync.isAlive() || Files.readString(polysyncLog).contains("APPLICATION FAILED TO START"))
                .ignoreExceptions()
                .until(() -> api.get("/actuator/health/readiness").status() == 200);
    }

    /** Debian's prometheus, scraping every second, with the repository's rule files evaluated every second. */
    private void startPrometheus(int port, int polysyncPort, String token) throws IOException {
        Path tokenFile = Files.writeString(prometheusDir.resolve("token"), token);
        StringBuilder rules = new StringBuilder();
        for (Path file : Repository.files("deploy/prometheus/rules", ".yml")) {
            rules.append("  - ").append(file.toAbsolutePath()).append('\n');
        }
        Path config = Files.writeString(prometheusDir.resolve("prometheus.yml"), """
                global:
                  scrape_interval: 1s
                  evaluation_interval: 1s
                rule_files:
                %sscrape_configs:
                  - job_name: polysync-standalone
                    metrics_path: /actuator/prometheus
                    authorization:
                      type: Bearer
                      credentials_file: %s
                    static_configs:
                      - targets: ["127.0.0.1:%d"]
                """.formatted(rules, tokenFile, polysyncPort));
        prometheusLog = prometheusDir.resolve("prometheus.log");
        prometheus = new ProcessBuilder(List.of(PrometheusRulesTest.executable("prometheus"),
                "--config.file=" + config,
                "--storage.tsdb.path=" + prometheusDir.resolve("data"),
                "--web.listen-address=127.0.0.1:" + port,
                "--log.level=warn"))
                .redirectErrorStream(true).redirectOutput(prometheusLog.toFile()).start();
        Api api = new Api("http://127.0.0.1:" + port, null);
        await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(200))
                .failFast("prometheus exited; its log: " + prometheusLog, () -> !prometheus.isAlive())
                .ignoreExceptions()
                .until(() -> api.get("/-/ready").status() == 200);
        await().atMost(Duration.ofSeconds(15)).pollInterval(Duration.ofMillis(500)).untilAsserted(() ->
                assertThat(api.get("/api/v1/query?query=" + Api.encode("up{job=\"polysync-standalone\"}")).json()
                        .path("data").path("result").path(0).path("value").path(1).asString())
                        .as("Prometheus scrapes the standalone jar with the viewer token; its log: " + prometheusLog)
                        .isEqualTo("1"));
    }

    private static void stop(Process process) throws InterruptedException {
        if (process != null && process.isAlive()) {
            process.destroy();
            if (!process.waitFor(60, TimeUnit.SECONDS)) {
                process.destroyForcibly().waitFor();
            }
        }
    }

    private static int freePort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        }
    }
}
