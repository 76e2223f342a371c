package io.polysync.systemtest.scenario;

import io.polysync.systemtest.harness.Invariants;
import io.polysync.systemtest.harness.Ledger;
import io.polysync.systemtest.harness.LoadDriver;
import io.polysync.systemtest.harness.ServiceProcess;
import io.polysync.systemtest.harness.SystemScenario;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Random;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Scenario 12, the soak: steady load (Run Once and external triggers, a retrying task, a task behind a contention
 * profile, a dependency, a schedule) with a random fault every 10 to 30 seconds for {@code polysync.soak.duration}
 * (default 10 minutes), each fault healed before the next, so one process at a time is broken. Then everything is
 * healed and every invariant checked. Not part of the CI run; docs/system-tests.md gives the command. The seed is
 * printed and can be given back with {@code polysync.soak.seed} to replay the same fault sequence.
 */
class SoakSystemIT extends SystemScenario {

    private static final int PROFILE_LIMIT = 2;
    private static final int MAX_RETRIES = 2;
    private static final int RETRY_DELAY_SECONDS = 1;

    @Test
    void steadyLoadUnderRandomFaultsKeepsEveryPromise() {
        Duration duration = Duration.parse(System.getProperty("polysync.soak.duration", "PT10M"));
        long seed = Long.getLong("polysync.soak.seed", System.nanoTime());
        Random random = new Random(seed);
        System.out.println("soak: " + duration + ", seed " + seed);

        String profile = "soak-db-" + suffix;
        api.upsert("contention-profiles", profile, Map.of("name", profile, "maxConcurrent", PROFILE_LIMIT));
        List<String> plain = LoadDriver.effectTasks(api, "s12-plain-" + suffix, 3, 0.3, Map.of());
        List<String> limited = LoadDriver.effectTasks(api, "s12-limited-" + suffix, 2, 1.0,
                Map.of("contentionProfiles", List.of(profile)));
        String flaky = "s12-flaky-" + suffix;
        api.upsert("tasks", flaky, Map.of("name", flaky, "job", "effect", "parameters", Map.of(
                        "command", io.polysync.systemtest.harness.Effects.COMMAND,
                        "env", Map.of("SLEEP", "0.2", "FAIL_ATTEMPTS", "1")),
                "retry", Map.of("enabled", true, "maxRetryAttempts", MAX_RETRIES, "backoff", "FIXED",
                        "initialDelaySeconds", RETRY_DELAY_SECONDS)));
        String child = "s12-child-" + suffix;
        api.effectTask(child, 0.1, Map.of("dependencies", List.of(Map.of("task", plain.get(0), "mappings", List.of()))));
        String scheduled = "s12-cron-" + suffix;
        api.effectTask(scheduled, 0.1, Map.of("schedules", List.of(Map.of("cron", "*/5 * * * * *"))));

        List<String> driven = new ArrayList<>(plain);
        driven.addAll(limited);
        driven.add(flaky);
        List<String> faults = new ArrayList<>();
        Instant end = Instant.now().plus(duration);
        try (LoadDriver load = new LoadDriver(cluster, driven, accepted).start(1_500)) {
            while (Instant.now().isBefore(end)) {
                waitQuietly(Duration.ofSeconds(10 + random.nextInt(21)));
                faults.add(injectRandomFault(random));
                System.out.println("soak fault " + faults.size() + ": " + faults.get(faults.size() - 1));
            }
            cluster.heal();
            System.out.println("soak load: " + load.sent() + " sent, " + load.refused() + " refused");
        } finally {
            api.delete("/api/v1/tasks/" + scheduled);
        }

        Invariants.Snapshot s = awaitQuiet(Duration.ofMinutes(5));
        assertThat(Invariants.all(s, accepted)).as("invariant violations after " + faults).isEmpty();
        assertThat(Invariants.peakConcurrency(s, new HashSet<>(limited))).as("runs holding " + profile)
                .isLessThanOrEqualTo(PROFILE_LIMIT);
        assertThat(s.permits()).as("permits left").isEmpty();
        for (List<Ledger.Run> chain : Invariants.attemptChains(s, flaky).values()) {
            assertThat(chain.size()).as("attempts of " + chain.get(0).runId()).isLessThanOrEqualTo(MAX_RETRIES + 1);
            for (int i = 1; i < chain.size(); i++) {
                Ledger.Run failed = chain.get(i - 1);
                assertThat(chain.get(i).queuedAt()).as("retry of " + failed.runId() + " not before its backoff")
                        .isAfterOrEqualTo(failed.finishedAt().plusSeconds(RETRY_DELAY_SECONDS));
            }
        }
        long childRuns = s.runs().stream().filter(r -> r.taskName().equals(child) && r.retryOf() == null).count();
        long parentSuccesses = s.runs().stream()
                .filter(r -> r.taskName().equals(plain.get(0)) && r.state().equals("SUCCEEDED")).count();
        assertThat(childRuns).as("one child run per parent success").isEqualTo(parentSuccesses);
    }

    /** Heals the last fault, then breaks one thing; answers what it did, for the failure message. */
    private String injectRandomFault(Random random) {
        cluster.heal();
        List<ServiceProcess> services = cluster.services();
        ServiceProcess victim = services.get(random.nextInt(services.size()));
        int kind = random.nextInt(6);
        return switch (kind) {
            case 0, 1 -> {
                victim.kill();
                yield Instant.now() + " kill -9 " + victim.name();
            }
            case 2 -> {
                victim.pause();
                Duration pause = Duration.ofSeconds(3 + random.nextInt(10));
                waitQuietly(pause);
                victim.resume();
                yield Instant.now() + " kill -STOP " + victim.name() + " for " + pause;
            }
            case 3 -> {
                victim.stopGracefully(Duration.ofSeconds(60));
                yield Instant.now() + " graceful stop of " + victim.name();
            }
            case 4 -> {
                cluster.kafka().process().kill();
                waitQuietly(Duration.ofSeconds(2 + random.nextInt(8)));
                cluster.kafka().process().start();
                yield Instant.now() + " kill -9 of the Kafka broker, restarted";
            }
            default -> {
                cluster.postgres().stopImmediately();
                waitQuietly(Duration.ofSeconds(2 + random.nextInt(8)));
                cluster.postgres().start();
                yield Instant.now() + " PostgreSQL stopped in immediate mode, restarted";
            }
        };
    }

    /** The soak's pacing between faults: wall-clock time passing under load is what it is about. */
    private static void waitQuietly(Duration duration) {
        try {
            Thread.sleep(duration.toMillis());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }
}
