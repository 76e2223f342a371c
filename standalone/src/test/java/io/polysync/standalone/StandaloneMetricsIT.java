package io.polysync.standalone;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.context.ConfigurableApplicationContext;

import java.io.IOException;
import java.net.ServerSocket;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The standalone mode's one {@code /actuator/prometheus}: every metric of docs/metrics.md from the service that owns
 * it, told apart by the {@code service} tag, each service's own binders (JVM, connection pool) bridged into the shared
 * registry, and the meters moving when a run happens.
 */
class StandaloneMetricsIT {

    private static final Pattern SAMPLE = Pattern.compile(
            "^([a-zA-Z_:][a-zA-Z0-9_:]*)(?:\\{(.*)})? ([-+]?(?:[0-9.]+(?:[eE][-+]?[0-9]+)?|NaN))$");
    private static final Pattern LABEL = Pattern.compile("([a-zA-Z_][a-zA-Z0-9_]*)=\"((?:[^\"\\\\]|\\\\.)*)\"");

    private static final String TASK = "task-service";
    private static final String SCHEDULER = "scheduler-service";
    private static final String DISPATCHER = "dispatcher-service";
    private static final String WORKER = "worker-service";

    @TempDir
    static Path dataDir;
    private static ConfigurableApplicationContext polysync;
    private static PolysyncClient api;

    @BeforeAll
    static void start() throws IOException {
        int port;
        try (ServerSocket socket = new ServerSocket(0)) {
            port = socket.getLocalPort();
        }
        polysync = StandaloneApplication.start("--server.port=" + port, "--polysync.data-dir=" + dataDir,
                "--polysync.standalone.kafka-port=0",
                "--polysync.task.security.admin-token=" + PolysyncClient.ADMIN_TOKEN,
                "--polysync.dispatcher.metrics-interval=500ms", "--polysync.runtime.outbox.metrics-interval=500ms",
                "--polysync.runtime.lag-monitor.interval=1s");
        api = new PolysyncClient("http://localhost:" + port);
    }

    @AfterAll
    static void stop() {
        if (polysync != null) {
            polysync.close();
        }
    }

    @Test
    void everyMetricIsScrapedFromItsServiceAndMovesWithARun() {
        Map<String, List<String>> owners = new HashMap<>();
        for (String name : List.of("polysync_runs_transitions_total", "polysync_runs_failed_total",
                "polysync_runs_active", "polysync_dispatch_queue_depth", "polysync_dispatch_queue_oldest_age_seconds",
                "polysync_dispatch_waiting", "polysync_runs_trigger_to_running_seconds_bucket",
                "polysync_runs_dependency_handoff_seconds_bucket", "polysync_runs_duration_seconds_bucket",
                "polysync_reports_rejected_total", "polysync_kafka_consumer_lag", "polysync_kafka_consumer_members")) {
            owners.put(name, List.of(DISPATCHER));
        }
        for (String name : List.of("polysync_retries_scheduled_total", "polysync_scheduler_fires_total",
                "polysync_scheduler_missed_fires_total", "polysync_scheduler_fire_lateness_seconds_bucket",
                "polysync_scheduler_dependency_triggers_total", "polysync_scheduler_retries_pending")) {
            owners.put(name, List.of(SCHEDULER));
        }
        for (String name : List.of("polysync_outbox_backlog", "polysync_outbox_oldest_age_seconds",
                "polysync_outbox_published_total")) {
            owners.put(name, List.of(TASK, SCHEDULER, DISPATCHER));
        }
        owners.put("polysync_dlq_records_total", List.of(TASK, SCHEDULER, DISPATCHER, WORKER));
        for (String name : List.of("polysync_worker_slots_busy", "polysync_worker_slots_capacity",
                "polysync_worker_runs_total", "polysync_worker_run_duration_seconds_bucket",
                "polysync_worker_circuit_breakers")) {
            owners.put(name, List.of(WORKER));
        }
        owners.put("polysync_task_external_triggers_total", List.of(TASK));
        owners.put("polysync_task_run_once_total", List.of(TASK));
        owners.put("jvm_memory_used_bytes", List.of(TASK, SCHEDULER, DISPATCHER, WORKER));
        owners.put("hikaricp_connections", List.of(TASK, SCHEDULER, DISPATCHER));

        List<Sample> atStart = scrape();
        owners.forEach((name, services) -> assertThat(atStart.stream().filter(s -> s.name().equals(name))
                .map(s -> s.labels().get("service")).distinct())
                .as("services of %s", name).containsExactlyInAnyOrderElementsOf(services));

        new RunOnceScenario(api).succeedingShellRun();

        await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(500)).untilAsserted(() -> {
            List<Sample> now = scrape();
            assertThat(value(now, "polysync_task_run_once_total", Map.of("service", TASK))).isEqualTo(1);
            assertThat(value(now, "polysync_runs_transitions_total",
                    Map.of("service", DISPATCHER, "state", "SUCCEEDED", "trigger_type", "MANUAL"))).isEqualTo(1);
            assertThat(value(now, "polysync_runs_trigger_to_running_seconds_count",
                    Map.of("service", DISPATCHER, "trigger_type", "MANUAL"))).isEqualTo(1);
            assertThat(value(now, "polysync_runs_duration_seconds_count",
                    Map.of("service", DISPATCHER, "job_type", "shell.command", "state", "SUCCEEDED"))).isEqualTo(1);
            assertThat(value(now, "polysync_worker_runs_total",
                    Map.of("service", WORKER, "job_type", "shell.command", "outcome", "succeeded"))).isEqualTo(1);
            assertThat(value(now, "polysync_outbox_published_total", Map.of("service", TASK))).isPositive();
            assertThat(value(now, "polysync_outbox_published_total", Map.of("service", DISPATCHER))).isPositive();
            assertThat(value(now, "polysync_kafka_consumer_members",
                    Map.of("group", "polysync-worker", "topic", "polysync.runs.normal"))).isPositive();
        });
    }

    private static List<Sample> scrape() {
        PolysyncClient.Response response = api.get("/actuator/prometheus");
        assertThat(response.status()).as(response.body()).isEqualTo(200);
        List<Sample> samples = new ArrayList<>();
        for (String line : response.body().split("\n")) {
            Matcher sample = SAMPLE.matcher(line);
            if (line.startsWith("#") || !sample.matches()) {
                continue;
            }
            Map<String, String> labels = new HashMap<>();
            if (sample.group(2) != null) {
                Matcher label = LABEL.matcher(sample.group(2));
                while (label.find()) {
                    labels.put(label.group(1), label.group(2));
                }
            }
            samples.add(new Sample(sample.group(1), labels, Double.parseDouble(sample.group(3))));
        }
        return samples;
    }

    /** The sum over the samples of {@code name} whose labels include {@code labels}. */
    private static double value(List<Sample> samples, String name, Map<String, String> labels) {
        return samples.stream()
                .filter(s -> s.name().equals(name) && s.labels().entrySet().containsAll(labels.entrySet()))
                .mapToDouble(Sample::value).sum();
    }

    private record Sample(String name, Map<String, String> labels, double value) {
    }
}
