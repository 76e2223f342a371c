package io.polysync.dispatcher.messaging;

import io.polysync.model.Json;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.kafka.listener.BatchListenerFailedException;

import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;

/**
 * Applies the records of one poll in one transaction, and falls back to one transaction per record when that fails,
 * so a record that cannot be applied costs only itself, as it would have without batching. A record that cannot be
 * decoded ends the batch before it: the records ahead of it are applied, then it is handed to the error handler.
 *
 * <p>The fallback applies the records in order until one fails, then throws {@link BatchListenerFailedException} for
 * that record: the container's error handler commits the offsets of the records before it (their transactions have
 * committed), handles the failed one as it handles any failed record (dead-letter a poison one at once, retry one
 * whose definition has not arrived, retry for as long as the database is down) and polls the rest again. No record is
 * skipped, and none is applied twice: the failed batch left nothing behind, and a record is only acknowledged once
 * its own transaction has committed.
 */
final class PollBatch {

    private static final Logger log = LoggerFactory.getLogger(PollBatch.class);

    private PollBatch() {
    }

    static <T> void apply(List<ConsumerRecord<String, String>> records, Class<T> type, Consumer<List<T>> all,
                          Consumer<T> one) {
        List<T> decoded = new ArrayList<>(records.size());
        RuntimeException undecodable = null;
        for (ConsumerRecord<String, String> record : records) {
            try {
                decoded.add(Json.decode(record.value(), type));
            } catch (RuntimeException e) {
                undecodable = e;
                break;
            }
        }
        // a record that cannot be decoded is never applied: the ones before it still go in one transaction, and it
        // is named at once instead of sending the whole poll down the slow path
        if (!decoded.isEmpty()) {
            applyInOrder(decoded, records.get(0).topic(), all, one);
        }
        if (undecodable != null) {
            throw new BatchListenerFailedException("record " + decoded.size() + " of the poll cannot be decoded",
                    undecodable, decoded.size());
        }
    }

    private static <T> void applyInOrder(List<T> decoded, String topic, Consumer<List<T>> all, Consumer<T> one) {
        try {
            all.accept(decoded);
            return;
        } catch (RuntimeException e) {
            log.info("a poll of {} {} records could not be applied in one transaction, applying them one by one: {}",
                    decoded.size(), topic, e.toString());
        }
        for (int i = 0; i < decoded.size(); i++) {
            try {
                one.accept(decoded.get(i));
            } catch (RuntimeException e) {
                throw new BatchListenerFailedException("record " + i + " of the poll failed", e, i);
            }
        }
    }
}
