package io.polysync.task.external;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.polysync.model.run.RunState;
import io.polysync.model.run.TriggerType;
import io.polysync.task.run.RunAccepted;
import io.polysync.task.run.RunRequest;
import io.polysync.task.run.TriggerAcceptance;
import org.junit.jupiter.api.Test;
import org.mockito.ArgumentCaptor;
import org.springframework.transaction.support.TransactionSynchronization;
import org.springframework.transaction.support.TransactionSynchronizationManager;

import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.mockito.ArgumentMatchers.any;
import static org.mockito.ArgumentMatchers.anyBoolean;
import static org.mockito.ArgumentMatchers.anyList;
import static org.mockito.ArgumentMatchers.eq;
import static org.mockito.Mockito.atLeastOnce;
import static org.mockito.Mockito.mock;
import static org.mockito.Mockito.never;
import static org.mockito.Mockito.times;
import static org.mockito.Mockito.verify;
import static org.mockito.Mockito.when;

class ExternalTriggersTest {

    private final TriggerAcceptance acceptance = mock(TriggerAcceptance.class);
    private final SimpleMeterRegistry meters = new SimpleMeterRegistry();
    private final ExternalTriggers triggers = new ExternalTriggers(acceptance, meters);

    @Test
    void registersEverySeriesAtZero() {
        assertThat(meters.find(ExternalTriggers.METRIC).counters()).hasSize(6)
                .allSatisfy(c -> assertThat(c.count()).isZero());
    }

    @Test
    void acceptsAnExternalRunRequestedByExternalWithTheCallersKey() {
        answerEach(false);

        assertThat(receive("{\"task\":\"etl\",\"idempotencyKey\":\"k-1\",\"parameters\":{\"n\":1},\"extra\":true}"))
                .isEmpty();

        assertThat(requests()).containsExactly(new RunRequest("etl", TriggerType.EXTERNAL, "k-1", Map.of("n", 1),
                "external"));
        assertThat(count("accepted", "none")).isEqualTo(1);
    }

    @Test
    void countsADuplicateWithoutRejectingIt() {
        answerEach(true);

        assertThat(receive("{\"task\":\"etl\",\"idempotencyKey\":\"k-1\"}")).isEmpty();

        assertThat(count("duplicate", "none")).isEqualTo(1);
        assertThat(count("accepted", "none")).isZero();
    }

    @Test
    void aRecordWithoutAKeyGetsAFreshKeyEachTime() {
        answerEach(false);

        receive("{\"task\":\"etl\"}", "{\"task\":\"etl\"}");

        List<String> keys = requests().stream().map(RunRequest::idempotencyKey).toList();
        assertThat(keys).hasSize(2).doesNotContainNull().doesNotHaveDuplicates();
        keys.forEach(UUID::fromString);
        assertThat(count("accepted", "none")).isEqualTo(2);
    }

    @Test
    void undecodableRecordsAreRejectedAndCountedWithoutReachingAcceptance() {
        for (String value : new String[] {null, "", "not json", "[1,2]", "{\"task\":7,\"parameters\":\"x\"}",
                "{\"idempotencyKey\":\"k\"}", "{\"task\":\" \"}"}) {
            Optional<ExternalTriggers.Refused> refused = receive(value);
            assertThat(refused).as(String.valueOf(value)).get().extracting(ExternalTriggers.Refused::index)
                    .isEqualTo(0);
            assertThat(refused.get().rejection()).as(String.valueOf(value))
                    .isInstanceOf(IllegalArgumentException.class)
                    .hasMessageStartingWith("undecodable: ");
        }
        verify(acceptance, never()).acceptAllInCurrentTransaction(anyList(), anyBoolean());
        assertThat(count("rejected", "undecodable")).isEqualTo(7);
    }

    @Test
    void aPollIsAcceptedInTheCallersTransactionUpToItsFirstRejectedRecordAndCountedWhenItCommits() {
        when(acceptance.acceptAllInCurrentTransaction(anyList(), eq(true)))
                .thenReturn(List.of(new TriggerAcceptance.Answer(accepted(false), null)));
        TransactionSynchronizationManager.initSynchronization();
        try {
            Optional<ExternalTriggers.Refused> refused = triggers.receiveAll(List.of(
                    "{\"task\":\"etl\",\"idempotencyKey\":\"k-1\"}", "not json", "{\"task\":\"etl\"}"));

            assertThat(refused).get().extracting(ExternalTriggers.Refused::index).isEqualTo(1);
            assertThat(refused.get().rejection().reason()).isEqualTo(ExternalTriggers.Rejection.UNDECODABLE);
            // only the records before the undecodable one, together
            ArgumentCaptor<List<RunRequest>> requests = ArgumentCaptor.captor();
            verify(acceptance, times(1)).acceptAllInCurrentTransaction(requests.capture(), eq(true));
            assertThat(requests.getValue()).singleElement().satisfies(request -> {
                assertThat(request.taskName()).isEqualTo("etl");
                assertThat(request.idempotencyKey()).isEqualTo("k-1");
            });
            verify(acceptance, never()).accept(any());
            assertThat(count("accepted", "none")).as("not before the commit").isZero();
            assertThat(count("rejected", "undecodable")).isZero();

            TransactionSynchronizationManager.getSynchronizations().forEach(TransactionSynchronization::afterCommit);

            assertThat(count("accepted", "none")).isEqualTo(1);
            assertThat(count("rejected", "undecodable")).isEqualTo(1);
        } finally {
            TransactionSynchronizationManager.clearSynchronization();
        }
    }

    /** Receives one poll inside a transaction synchronization, and commits it. */
    private Optional<ExternalTriggers.Refused> receive(String... values) {
        TransactionSynchronizationManager.initSynchronization();
        try {
            Optional<ExternalTriggers.Refused> refused = triggers.receiveAll(Arrays.asList(values));
            TransactionSynchronizationManager.getSynchronizations().forEach(TransactionSynchronization::afterCommit);
            return refused;
        } finally {
            TransactionSynchronizationManager.clearSynchronization();
        }
    }

    /** Every request is accepted, as a duplicate or not. */
    private void answerEach(boolean duplicate) {
        when(acceptance.acceptAllInCurrentTransaction(anyList(), eq(true))).thenAnswer(call -> {
            List<?> requests = call.getArgument(0);
            return requests.stream().map(request -> new TriggerAcceptance.Answer(accepted(duplicate), null)).toList();
        });
    }

    /** The requests every poll handed to acceptance, in order. */
    private List<RunRequest> requests() {
        ArgumentCaptor<List<RunRequest>> polls = ArgumentCaptor.captor();
        verify(acceptance, atLeastOnce()).acceptAllInCurrentTransaction(polls.capture(), eq(true));
        return polls.getAllValues().stream().flatMap(List::stream).toList();
    }

    private double count(String outcome, String reason) {
        return meters.get(ExternalTriggers.METRIC).tag("outcome", outcome).tag("reason", reason).counter().count();
    }

    private static TriggerAcceptance.Acceptance accepted(boolean duplicate) {
        return new TriggerAcceptance.Acceptance(new RunAccepted(UUID.randomUUID(), RunState.QUEUED), duplicate);
    }
}
