package io.polysync.runtime.kafka;

import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.kafka.listener.BatchListenerFailedException;
import org.springframework.transaction.PlatformTransactionManager;
import org.springframework.transaction.support.TransactionTemplate;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * Applies one poll of a batch listener in one transaction, keeping the per-record failure semantics of a record
 * listener under the container's {@code DefaultErrorHandler} ({@link DeadLetterConfiguration}).
 *
 * <p>Records are decoded first, outside any transaction; a record that cannot be decoded ends the poll there. The
 * decoded prefix is applied in one transaction. When that transaction fails, it is rolled back and the same items are
 * applied one at a time, each in its own transaction, so one bad record costs its own commit and nobody else's. The
 * record that still fails is reported as a {@link BatchListenerFailedException}: the error handler commits the offsets
 * before it, retries or dead-letters it exactly as it would a single record (poison → {@code <topic>.dlq} at once,
 * database unavailable → retried until it is back), and redelivers the records after it. So no record is skipped and
 * none is applied twice.
 */
public final class PollTransaction<T> {

    /** What an item's value is: a record that carries nothing to apply decodes to null and is passed over. */
    @FunctionalInterface
    public interface Decoder<T> {
        T decode(ConsumerRecord<String, String> record);
    }

    /**
     * Applies items in order inside the caller's transaction. May stop at an item that can never be applied (a
     * refusal that wrote nothing); the items before it are then committed and the refused one reported.
     */
    @FunctionalInterface
    public interface Step<T> {
        Optional<Refusal> apply(List<T> items);
    }

    /** Item {@code index} of the list given to {@link Step#apply} can never be applied, for {@code cause}. */
    public record Refusal(int index, RuntimeException cause) {
    }

    private static final Logger log = LoggerFactory.getLogger(PollTransaction.class);

    private final TransactionTemplate tx;
    private final Decoder<T> decoder;
    private final Step<T> step;

    public PollTransaction(PlatformTransactionManager transactions, Decoder<T> decoder, Step<T> step) {
        this.tx = new TransactionTemplate(transactions);
        this.decoder = decoder;
        this.step = step;
    }

    public void apply(List<ConsumerRecord<String, String>> records) {
        List<T> items = new ArrayList<>(records.size());
        List<ConsumerRecord<String, String>> sources = new ArrayList<>(records.size());
        for (ConsumerRecord<String, String> record : records) {
            T item;
            try {
                item = decoder.decode(record);
            } catch (RuntimeException undecodable) {
                applyAll(items, sources);
                throw failed(record, undecodable);
            }
            if (item != null) {
                items.add(item);
                sources.add(record);
            }
        }
        applyAll(items, sources);
    }

    private void applyAll(List<T> items, List<ConsumerRecord<String, String>> sources) {
        if (items.isEmpty()) {
            return;
        }
        Optional<Refusal> refused;
        try {
            refused = tx.execute(status -> step.apply(items));
        } catch (RuntimeException batchFailed) {
            log.warn("a poll of {} records on {} failed in one transaction ({}); applying them one at a time",
                    items.size(), sources.get(0).topic(), batchFailed.toString());
            applyOneByOne(items, sources);
            return;
        }
        if (refused != null && refused.isPresent()) {
            throw failed(sources.get(refused.get().index()), refused.get().cause());
        }
    }

    private void applyOneByOne(List<T> items, List<ConsumerRecord<String, String>> sources) {
        for (int i = 0; i < items.size(); i++) {
            List<T> one = List.of(items.get(i));
            Optional<Refusal> refused;
            try {
                refused = tx.execute(status -> step.apply(one));
            } catch (RuntimeException failure) {
                throw failed(sources.get(i), failure);
            }
            if (refused != null && refused.isPresent()) {
                throw failed(sources.get(i), refused.get().cause());
            }
        }
    }

    private static BatchListenerFailedException failed(ConsumerRecord<String, String> record,
                                                        RuntimeException cause) {
        return new BatchListenerFailedException("record " + record.topic() + "-" + record.partition() + "@"
                + record.offset() + " failed: " + cause, cause, record);
    }
}
