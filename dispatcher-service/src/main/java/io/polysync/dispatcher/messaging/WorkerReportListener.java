package io.polysync.dispatcher.messaging;

import io.polysync.dispatcher.ledger.ReportReading;
import io.polysync.dispatcher.ledger.RunTransitions;
import io.polysync.model.Json;
import io.polysync.model.Topics;
import io.polysync.model.event.WorkerReport;
import io.polysync.runtime.kafka.PollTransaction;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.TopicPartition;
import org.springframework.kafka.annotation.KafkaListener;
import org.springframework.kafka.listener.ConsumerSeekAware;
import org.springframework.stereotype.Component;
import org.springframework.transaction.PlatformTransactionManager;

import java.time.Clock;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Worker reports become guarded run transitions, a poll at a time in one transaction ({@link PollTransaction}); the consumer group is
 * {@code spring.kafka.consumer.group-id}. Each assignment of report partitions is recorded, so leases count from when
 * this dispatcher could read them.
 */
@Component
public class WorkerReportListener implements ConsumerSeekAware {

    private final PollTransaction<WorkerReport> polls;
    private final ReportReading reading;
    private final Clock clock;

    public WorkerReportListener(RunTransitions transitions, ReportReading reading, Clock clock,
                                PlatformTransactionManager transactions) {
        this.polls = new PollTransaction<>(transactions, record -> Json.decode(record.value(), WorkerReport.class),
                reports -> {
                    transitions.applyAll(reports);
                    return Optional.empty();
                });
        this.reading = reading;
        this.clock = clock;
    }

    @KafkaListener(topics = Topics.WORKER_REPORTS, batch = "true", properties = TriggerListener.MAX_POLL_RECORDS)
    public void on(List<ConsumerRecord<String, String>> records) {
        polls.apply(records);
    }

    @Override
    public void onPartitionsAssigned(Map<TopicPartition, Long> assignments, ConsumerSeekCallback callback) {
        if (!assignments.isEmpty()) {
            reading.began(clock.instant());
        }
    }
}
