package io.polysync.runtime.kafka;

import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.Test;
import org.springframework.kafka.listener.BatchListenerFailedException;
import org.springframework.transaction.PlatformTransactionManager;
import org.springframework.transaction.TransactionDefinition;
import org.springframework.transaction.TransactionStatus;
import org.springframework.transaction.support.SimpleTransactionStatus;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class PollTransactionTest {

    /** Keeps what each committed transaction applied; a rolled-back one leaves nothing. */
    private final Transactions transactions = new Transactions();
    private final List<List<String>> committed = new ArrayList<>();
    private List<String> current;

    @Test
    void aPollIsAppliedInOneTransaction() {
        poll(item -> { }).apply(records("a", "b", "c"));

        assertThat(committed).containsExactly(List.of("a", "b", "c"));
        assertThat(transactions.rolledBack).isZero();
    }

    @Test
    void aPollThatFailsIsRolledBackAndAppliedOneRecordAtATime() {
        List<String> failOnce = new ArrayList<>(List.of("b"));

        poll(item -> {
            if (current.size() > 1 && failOnce.remove(item)) {
                throw new IllegalStateException("conflict");
            }
        }).apply(records("a", "b", "c"));

        assertThat(committed).containsExactly(List.of("a"), List.of("b"), List.of("c"));
        assertThat(transactions.rolledBack).isEqualTo(1);
    }

    @Test
    void theRecordThatStillFailsAloneIsReportedAfterTheOnesBeforeItCommitted() {
        List<ConsumerRecord<String, String>> records = records("a", "bad", "c");

        assertThatThrownBy(() -> poll(item -> {
            if (item.equals("bad")) {
                throw new IllegalStateException("broken");
            }
        }).apply(records)).isInstanceOfSatisfying(BatchListenerFailedException.class, failed -> {
            assertThat(failed.getRecord()).isSameAs(records.get(1));
            assertThat(failed.getCause()).hasMessage("broken");
        });

        assertThat(committed).containsExactly(List.of("a"));
    }

    @Test
    void anUndecodableRecordEndsThePollAfterTheOnesBeforeItCommitTogether() {
        List<ConsumerRecord<String, String>> records = records("a", "b", "undecodable", "d");

        assertThatThrownBy(() -> poll(item -> { }).apply(records))
                .isInstanceOfSatisfying(BatchListenerFailedException.class,
                        failed -> assertThat(failed.getRecord()).isSameAs(records.get(2)));

        assertThat(committed).containsExactly(List.of("a", "b"));
    }

    @Test
    void aRefusedRecordIsReportedOnceTheOnesBeforeItCommitted() {
        List<ConsumerRecord<String, String>> records = records("a", "b", "no", "d");
        PollTransaction<String> poll = new PollTransaction<>(transactions, ConsumerRecord::value, items -> {
            current = new ArrayList<>();
            for (int i = 0; i < items.size(); i++) {
                if (items.get(i).equals("no")) {
                    return Optional.of(new PollTransaction.Refusal(i, new IllegalArgumentException("never")));
                }
                current.add(items.get(i));
            }
            return Optional.empty();
        });

        assertThatThrownBy(() -> poll.apply(records)).isInstanceOfSatisfying(BatchListenerFailedException.class,
                failed -> assertThat(failed.getRecord()).isSameAs(records.get(2)));

        assertThat(committed).containsExactly(List.of("a", "b"));
    }

    @Test
    void recordsWithoutAnythingToApplyOpenNoTransaction() {
        new PollTransaction<String>(transactions, record -> null, items -> {
            throw new AssertionError("nothing to apply");
        }).apply(records("a", "b"));

        assertThat(transactions.begun).isZero();
    }

    private PollTransaction<String> poll(java.util.function.Consumer<String> each) {
        return new PollTransaction<>(transactions, record -> {
            if (record.value().equals("undecodable")) {
                throw new IllegalArgumentException("not JSON");
            }
            return record.value();
        }, items -> {
            current = new ArrayList<>(items);
            items.forEach(each);
            return Optional.empty();
        });
    }

    private static List<ConsumerRecord<String, String>> records(String... values) {
        List<ConsumerRecord<String, String>> records = new ArrayList<>();
        for (String value : values) {
            records.add(new ConsumerRecord<>("polysync.test", 0, records.size(), "key", value));
        }
        return records;
    }

    private final class Transactions implements PlatformTransactionManager {

        int begun;
        int rolledBack;

        @Override
        public TransactionStatus getTransaction(TransactionDefinition definition) {
            begun++;
            current = null;
            return new SimpleTransactionStatus();
        }

        @Override
        public void commit(TransactionStatus status) {
            committed.add(List.copyOf(current));
        }

        @Override
        public void rollback(TransactionStatus status) {
            rolledBack++;
        }
    }
}
