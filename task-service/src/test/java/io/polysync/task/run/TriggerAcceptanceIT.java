package io.polysync.task.run;

import io.polysync.model.id.Ids;
import io.polysync.model.run.TriggerType;
import io.polysync.task.support.IntegrationTest;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.transaction.PlatformTransactionManager;
import org.springframework.transaction.support.TransactionTemplate;

import java.util.List;
import java.util.Map;
import java.util.UUID;

import static org.assertj.core.api.Assertions.assertThat;

/** Many requests accepted in one transaction answer as if accepted one after the other. */
class TriggerAcceptanceIT extends IntegrationTest {

    @Autowired
    private TriggerAcceptance acceptance;

    @Autowired
    private PlatformTransactionManager transactions;

    @Test
    void aListIsAnsweredRequestByRequestAsIfAcceptedOneAfterTheOther() {
        String task = unique("listed");
        UUID taskId = createNoopTask(task, List.of());
        String missing = unique("missing");

        List<TriggerAcceptance.Answer> answers = acceptAll(false,
                request(task, "k-1", Map.of()),
                request(task, "k-1", Map.of("sleepMillis", "slow")),
                request(missing, "k-2", Map.of()),
                request(task, "k-2", Map.of("sleepMillis", "slow")),
                request(task, "k-3", Map.of()));

        assertThat(answers).hasSize(5);
        assertThat(answers.get(0).acceptance().duplicate()).isFalse();
        assertThat(answers.get(0).acceptance().run().runId()).isEqualTo(runId(taskId, "k-1"));
        // bad parameters under a key an earlier request of the list used: that run, as when sent one by one
        assertThat(answers.get(1).acceptance().duplicate()).isTrue();
        assertThat(answers.get(1).acceptance().run().runId()).isEqualTo(runId(taskId, "k-1"));
        assertThat(answers.get(2).rejection().reason()).isEqualTo(TriggerRejectedException.Reason.UNKNOWN_TASK);
        assertThat(answers.get(3).rejection().reason()).isEqualTo(TriggerRejectedException.Reason.INVALID_PARAMETERS);
        assertThat(answers.get(3).rejection().errors()).extracting(error -> error.field())
                .containsExactly("parameters.sleepMillis");
        assertThat(answers.get(4).acceptance().run().runId()).isEqualTo(runId(taskId, "k-3"));
        assertThat(runsOf(taskId)).isEqualTo(2);

        // the same keys again, in a later transaction: duplicates, even with bad parameters
        List<TriggerAcceptance.Answer> again = acceptAll(false,
                request(task, "k-3", Map.of("sleepMillis", "slow")),
                request(task, "k-1", Map.of()));
        assertThat(again).allSatisfy(answer -> assertThat(answer.acceptance().duplicate()).isTrue());
        assertThat(again.get(0).acceptance().run().runId()).isEqualTo(runId(taskId, "k-3"));
        assertThat(runsOf(taskId)).isEqualTo(2);
    }

    @Test
    void untilTheFirstRejectionNothingAfterItIsLookedAtOrWritten() {
        String task = unique("stopping");
        UUID taskId = createNoopTask(task, List.of());

        List<TriggerAcceptance.Answer> answers = acceptAll(true,
                request(task, "first", Map.of()),
                request(task, "bad", Map.of("sleepMillis", "slow")),
                request(task, "after", Map.of()));

        assertThat(answers).hasSize(2);
        assertThat(answers.get(0).acceptance().run().runId()).isEqualTo(runId(taskId, "first"));
        assertThat(answers.get(1).rejection().reason()).isEqualTo(TriggerRejectedException.Reason.INVALID_PARAMETERS);
        assertThat(runsOf(taskId)).isEqualTo(1);
        assertThat(jdbc.queryForObject("SELECT COUNT(*) FROM task_run WHERE run_id = ?", Integer.class,
                runId(taskId, "after"))).isZero();
    }

    private List<TriggerAcceptance.Answer> acceptAll(boolean untilFirstRejection, RunRequest... requests) {
        return new TransactionTemplate(transactions).execute(status ->
                acceptance.acceptAllInCurrentTransaction(List.of(requests), untilFirstRejection));
    }

    private int runsOf(UUID taskId) {
        return jdbc.queryForObject("SELECT COUNT(*) FROM task_run WHERE task_id = ?", Integer.class, taskId);
    }

    private static RunRequest request(String task, String key, Map<String, Object> overrides) {
        return new RunRequest(task, TriggerType.EXTERNAL, key, overrides, "test");
    }

    private static UUID runId(UUID taskId, String key) {
        return Ids.runId(Ids.triggerId(taskId, TriggerType.EXTERNAL, key));
    }
}
