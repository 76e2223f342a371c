package io.polysync.systemtest.scenario;

import io.polysync.systemtest.harness.Effects;
import io.polysync.systemtest.harness.Invariants;
import io.polysync.systemtest.harness.Ledger;
import io.polysync.systemtest.harness.TopicReader;
import org.awaitility.Awaitility;
import org.awaitility.core.ConditionTimeoutException;
import org.junit.jupiter.api.Test;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The suite's checker pointed at any running deployment, after faults injected by hand (docs/system-tests.md): waits
 * until every run in the ledger is terminal, then checks every invariant that needs no test job. Not part of the CI
 * run; started with {@code -Dit.test=DeploymentLedgerCheckIT} and
 * <ul>
 *   <li>{@code polysync.check.db-url} (default jdbc:postgresql://127.0.0.1:5432/polysync, user postgres),</li>
 *   <li>{@code polysync.check.kafka} (default 127.0.0.1:9092),</li>
 *   <li>{@code polysync.check.effects}: an effects file when the deployment ran the suite's effect job (optional),</li>
 *   <li>{@code polysync.check.wait} (default PT5M): how long runs may take to finish.</li>
 * </ul>
 */
class DeploymentLedgerCheckIT {

    @Test
    void theDeploymentsHistoryKeepsEveryPromise() {
        Ledger ledger = new Ledger(System.getProperty("polysync.check.db-url",
                "jdbc:postgresql://127.0.0.1:5432/polysync"));
        TopicReader topics = new TopicReader(System.getProperty("polysync.check.kafka", "127.0.0.1:9092"));
        String effectsFile = System.getProperty("polysync.check.effects");
        Effects effects = effectsFile == null ? null : new Effects(Path.of(effectsFile));
        Duration wait = Duration.parse(System.getProperty("polysync.check.wait", "PT5M"));

        List<String> open = new ArrayList<>();
        try {
            Awaitility.await("every run terminal").atMost(wait).pollInterval(Duration.ofSeconds(1)).until(() -> {
                open.clear();
                open.addAll(Invariants.everyRunEndedOnce(Invariants.Snapshot.read(ledger, topics, effects)));
                return open.isEmpty();
            });
        } catch (ConditionTimeoutException e) {
            throw new AssertionError("runs still open after " + wait + ": " + open, e);
        }
        Invariants.Snapshot snapshot = Invariants.Snapshot.read(ledger, topics, effects);
        List<String> violations = effects == null ? Invariants.withoutEffects(snapshot, Set.of())
                : Invariants.all(snapshot, Set.of());
        System.out.println("checked " + snapshot.runs().size() + " runs, " + snapshot.triggerRecords().size()
                + " trigger records, " + snapshot.runEventRecords().size() + " run events");
        assertThat(violations).as("invariant violations").isEmpty();
    }
}
