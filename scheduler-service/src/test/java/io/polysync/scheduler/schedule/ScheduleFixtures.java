package io.polysync.scheduler.schedule;

import io.polysync.model.Json;
import io.polysync.model.Topics;
import io.polysync.model.event.TaskDefinitionChanged;
import io.polysync.model.event.TriggerRequested;
import io.polysync.model.run.TriggerType;
import io.polysync.model.task.JobSnapshot;
import io.polysync.model.task.MisfirePolicy;
import io.polysync.model.task.PlatformSnapshot;
import io.polysync.model.task.ScheduleSnapshot;
import io.polysync.model.task.TaskSnapshot;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ExecutionException;

/** Definitions to publish and the SCHEDULE triggers to read back, for the schedule integration tests. */
final class ScheduleFixtures {

    private ScheduleFixtures() {
    }

    /** A SCHEDULE trigger as read from polysync.triggers, with the record's timestamp. */
    record Fired(TriggerRequested trigger, Instant recordTime) {
    }

    static TaskSnapshot task(UUID taskId, long version, MisfirePolicy policy, Integer catchUpLimit,
                             ScheduleSnapshot... schedules) {
        PlatformSnapshot platform = new PlatformSnapshot(UUID.randomUUID(), "local", "shell", Map.of());
        JobSnapshot job = new JobSnapshot(UUID.randomUUID(), "job", "noop", Map.of(), Map.of(), List.of(), platform);
        return new TaskSnapshot(taskId, "task-" + taskId, version, job, Map.of(), List.of(), List.of(schedules),
                policy, catchUpLimit, 50, null, null, null, List.of(), null);
    }

    static void publish(String brokers, TaskSnapshot task) {
        send(brokers, task.taskId(), Json.encode(TaskDefinitionChanged.of(task, Instant.now())));
    }

    static void publishTombstone(String brokers, UUID taskId) {
        send(brokers, taskId, null);
    }

    private static void send(String brokers, UUID taskId, String value) {
        try (KafkaProducer<String, String> producer = new KafkaProducer<>(Map.of(
                ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, brokers,
                ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, StringSerializer.class,
                ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, StringSerializer.class))) {
            producer.send(new ProducerRecord<>(Topics.TASK_DEFINITIONS, taskId.toString(), value)).get();
        } catch (InterruptedException | ExecutionException e) {
            throw new IllegalStateException(e);
        }
    }

    /** Reads polysync.triggers from the start in its own group, keeping the SCHEDULE triggers of the given tasks. */
    static final class TriggerReader implements AutoCloseable {
        private final KafkaConsumer<String, String> consumer;
        private final Set<UUID> tasks;
        private final List<Fired> fired = new ArrayList<>();

        TriggerReader(String brokers, Set<UUID> tasks) {
            this.tasks = tasks;
            this.consumer = new KafkaConsumer<>(Map.of(
                    ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, brokers,
                    ConsumerConfig.GROUP_ID_CONFIG, "schedule-test-" + UUID.randomUUID(),
                    ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest",
                    ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, StringDeserializer.class,
                    ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, StringDeserializer.class));
            consumer.subscribe(List.of(Topics.TRIGGERS));
        }

        /** Everything read so far, after one more poll. */
        synchronized List<Fired> poll() {
            for (ConsumerRecord<String, String> record : consumer.poll(Duration.ofMillis(200))) {
                TriggerRequested trigger = Json.decode(record.value(), TriggerRequested.class);
                if (trigger.triggerType() == TriggerType.SCHEDULE && tasks.contains(trigger.taskId())) {
                    fired.add(new Fired(trigger, Instant.ofEpochMilli(record.timestamp())));
                }
            }
            return List.copyOf(fired);
        }

        List<Fired> of(UUID taskId) {
            return poll().stream().filter(f -> f.trigger().taskId().equals(taskId)).toList();
        }

        @Override
        public void close() {
            consumer.close();
        }
    }
}
