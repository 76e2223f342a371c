package io.polysync.task.messaging;

import io.polysync.runtime.kafka.PollTransaction;
import io.polysync.model.ConsumerGroups;
import io.polysync.model.Topics;
import io.polysync.task.external.ExternalTriggers;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.springframework.kafka.annotation.KafkaListener;
import org.springframework.stereotype.Component;
import org.springframework.transaction.PlatformTransactionManager;

import java.util.List;

/**
 * Feeds {@code polysync.external-triggers} to {@link ExternalTriggers} in a consumer group of its own, so its
 * offsets never mix with the run-events consumer's; a poll at a time, in one transaction ({@link PollTransaction}).
 * A rejected record goes to the dead-letter topic at once; the records before it commit, those after it come again.
 */
@Component
public class ExternalTriggerListener {

    /** The listener container's id, for tests that wait for its partitions. */
    public static final String ID = "task-service-external-triggers";
    public static final String GROUP = ConsumerGroups.TASK_SERVICE_EXTERNAL;

    private final PollTransaction<ConsumerRecord<String, String>> polls;

    public ExternalTriggerListener(ExternalTriggers triggers, PlatformTransactionManager transactions) {
        this.polls = new PollTransaction<>(transactions, record -> record,
                records -> triggers.receiveAll(records.stream().map(ConsumerRecord::value).toList())
                        .map(refused -> new PollTransaction.Refusal(refused.index(), refused.rejection())));
    }

    @KafkaListener(id = ID, idIsGroup = false, groupId = GROUP, topics = Topics.EXTERNAL_TRIGGERS, batch = "true",
            properties = "max.poll.records=500")
    void on(List<ConsumerRecord<String, String>> records) {
        polls.apply(records);
    }
}
