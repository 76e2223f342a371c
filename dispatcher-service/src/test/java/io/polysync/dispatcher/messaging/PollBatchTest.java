package io.polysync.dispatcher.messaging;

import io.polysync.model.Json;
import io.polysync.model.event.RunStarted;
import io.polysync.model.event.WorkerReport;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.Test;
import org.springframework.kafka.listener.BatchListenerFailedException;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.function.Consumer;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class PollBatchTest {

    private final List<List<String>> batches = new ArrayList<>();
    private final List<String> singles = new ArrayList<>();

    @Test
    void appliesAWholePollAtOnceWhenItSucceeds() {
        List<ConsumerRecord<String, String>> poll = List.of(started("w-1"), started("w-2"), started("w-3"));

        PollBatch.apply(poll, WorkerReport.class, all -> batches.add(workers(all)), one -> singles.add(one.workerId()));

        assertThat(batches).containsExactly(List.of("w-1", "w-2", "w-3"));
        assertThat(singles).isEmpty();
    }

    @Test
    void afterAFailedBatchAppliesRecordsOneByOneUpToTheFailingOneAndNamesIt() {
        List<ConsumerRecord<String, String>> poll = List.of(started("w-1"), started("w-2"), started("bad"),
                started("w-4"));
        Consumer<WorkerReport> one = report -> {
            if (report.workerId().equals("bad")) {
                throw new IllegalStateException("cannot apply");
            }
            singles.add(report.workerId());
        };

        assertThatThrownBy(() -> PollBatch.apply(poll, WorkerReport.class, all -> {
            batches.add(workers(all));
            throw new IllegalStateException("batch rolled back");
        }, one))
                .isInstanceOfSatisfying(BatchListenerFailedException.class, e -> {
                    assertThat(e.getIndex()).isEqualTo(2);
                    assertThat(e.getCause()).hasMessage("cannot apply");
                });
        assertThat(batches).hasSize(1);
        assertThat(singles).containsExactly("w-1", "w-2");
    }

    @Test
    void anUndecodableRecordIsNamedAfterTheRecordsBeforeItWereAppliedTogether() {
        List<ConsumerRecord<String, String>> poll = List.of(started("w-1"), started("w-2"), record("{not json"),
                started("w-4"));

        assertThatThrownBy(() -> PollBatch.apply(poll, WorkerReport.class, all -> batches.add(workers(all)),
                one -> singles.add(one.workerId())))
                .isInstanceOfSatisfying(BatchListenerFailedException.class, e -> assertThat(e.getIndex()).isEqualTo(2));
        assertThat(batches).containsExactly(List.of("w-1", "w-2"));
        assertThat(singles).isEmpty();
    }

    @Test
    void anUndecodableFirstRecordIsNamedWithoutApplyingAnything() {
        List<ConsumerRecord<String, String>> poll = List.of(record("{not json"), started("w-2"));

        assertThatThrownBy(() -> PollBatch.apply(poll, WorkerReport.class, all -> batches.add(workers(all)),
                one -> singles.add(one.workerId())))
                .isInstanceOfSatisfying(BatchListenerFailedException.class, e -> assertThat(e.getIndex()).isZero());
        assertThat(batches).isEmpty();
        assertThat(singles).isEmpty();
    }

    private static List<String> workers(List<WorkerReport> reports) {
        return reports.stream().map(WorkerReport::workerId).toList();
    }

    private static ConsumerRecord<String, String> started(String worker) {
        return record(Json.encode(new RunStarted(UUID.randomUUID(), UUID.randomUUID(), worker, Instant.now())));
    }

    private static ConsumerRecord<String, String> record(String value) {
        return new ConsumerRecord<>("polysync.worker-reports", 0, 0, "key", value);
    }
}
