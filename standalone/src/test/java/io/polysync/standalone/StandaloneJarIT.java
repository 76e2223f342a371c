package io.polysync.standalone;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The packaged standalone jar as a new user starts it: {@code java -jar polysync-standalone.jar --server.port=P
 * --polysync.data-dir=DIR}, on its H2 file database and embedded broker; then restarted on the same data directory.
 */
class StandaloneJarIT {

    @TempDir
    Path dataDir;

    private Process process;
    private Path log;
    private int kafkaPort;

    @AfterEach
    void stop() throws Exception {
        stopProcess();
    }

    @Test
    void runOnceWorksOnTheStandaloneJarAndItsDataSurvivesARestart() throws Exception {
        int port = freePort();
        kafkaPort = freePort();
        PolysyncClient api = new PolysyncClient("http://localhost:" + port);
        start(port);

        RunOnceScenario scenario = new RunOnceScenario(api);
        String succeeded = scenario.succeedingShellRun();
        String failed = scenario.failingShellRun();
        scenario.rejectsBadInput();

        stopProcess();
        start(port);

        assertThat(scenario.run(succeeded).path("state").asString()).isEqualTo("SUCCEEDED");
        assertThat(scenario.run(failed).path("state").asString()).isEqualTo("FAILED");
        assertThat(scenario.historyStates(succeeded)).containsExactly("QUEUED", "RUNNING", "SUCCEEDED");
        // the restarted broker and services still carry runs end to end
        new RunOnceScenario(api).succeedingShellRun();
    }

    @Test
    void everyTriggerPathWorksOnTheStandaloneJar() throws Exception {
        int port = freePort();
        kafkaPort = freePort();
        PolysyncClient api = new PolysyncClient("http://localhost:" + port);
        start(port);

        TriggerScenario scenario = new TriggerScenario(api, "127.0.0.1:" + kafkaPort);
        scenario.dependenciesTriggerOnceWithMappedOutputs();
        scenario.failuresAreRetriedWithBackoff();
        scenario.externalTriggersMakeOneRunPerKey();
        scenario.cronFiresEverySecondAndNeverEarly();
    }

    private void start(int port) throws IOException {
        String jar = System.getProperty("polysync.standalone.jar");
        assertThat(jar).as("path of the packaged jar (set by the failsafe configuration)").isNotBlank();
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        log = Files.createTempFile("polysync-standalone", ".log");
        process = new ProcessBuilder(List.of(java, "-Xmx768m", "-jar", jar,
                "--server.port=" + port,
                "--polysync.data-dir=" + dataDir,
                "--polysync.task.security.admin-token=" + PolysyncClient.ADMIN_TOKEN,
                "--polysync.standalone.kafka-port=" + kafkaPort))
                .redirectErrorStream(true)
                .redirectOutput(log.toFile())
                .start();
        PolysyncClient api = new PolysyncClient("http://localhost:" + port);
        await().atMost(Duration.ofSeconds(120)).pollInterval(Duration.ofMillis(500))
                .failFast("the standalone process exited; its log: " + log, () -> !process.isAlive())
                .ignoreExceptions()
                .until(() -> api.get("/actuator/health").status() == 200);
    }

    private void stopProcess() throws InterruptedException {
        if (process != null && process.isAlive()) {
            process.destroy();
            if (!process.waitFor(60, TimeUnit.SECONDS)) {
                process.destroyForcibly().waitFor();
            }
        }
        process = null;
    }

    private static int freePort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        }
    }

}
