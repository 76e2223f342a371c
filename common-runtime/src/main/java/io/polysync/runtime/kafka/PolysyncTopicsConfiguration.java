package io.polysync.runtime.kafka;

import io.polysync.model.Topics;
import io.polysync.runtime.RuntimeProperties;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.common.config.TopicConfig;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.kafka.config.TopicBuilder;
import org.springframework.kafka.core.KafkaAdmin;

import java.util.ArrayList;
import java.util.List;

/**
 * Declares every Polysync topic, so whichever service starts first creates them with the same partition count
 * (co-partitioning of triggers, worker-reports and run-commands depends on it). Creating an existing topic is a no-op.
 */
@Configuration(proxyBeanMethods = false)
public class PolysyncTopicsConfiguration {

    static final List<String> TOPICS = List.of(Topics.TRIGGERS, Topics.RUNS_HIGH, Topics.RUNS_NORMAL, Topics.RUNS_LOW,
            Topics.WORKER_REPORTS, Topics.RUN_EVENTS, Topics.RUN_COMMANDS, Topics.WORKER_COMMANDS,
            Topics.EXTERNAL_TRIGGERS);

    @Bean
    public KafkaAdmin.NewTopics polysyncTopics(RuntimeProperties properties) {
        List<NewTopic> topics = new ArrayList<>();
        topics.add(TopicBuilder.name(Topics.TASK_DEFINITIONS)
                .partitions(properties.partitions())
                .replicas(properties.replicationFactor())
                .config(TopicConfig.CLEANUP_POLICY_CONFIG, TopicConfig.CLEANUP_POLICY_COMPACT)
                .build());
        for (String name : TOPICS) {
            topics.add(TopicBuilder.name(name).partitions(properties.partitions())
                    .replicas(properties.replicationFactor()).build());
        }
        for (String name : List.of(Topics.TASK_DEFINITIONS, Topics.TRIGGERS, Topics.WORKER_REPORTS, Topics.RUN_EVENTS,
                Topics.RUN_COMMANDS, Topics.EXTERNAL_TRIGGERS, Topics.RUNS_HIGH, Topics.RUNS_NORMAL, Topics.RUNS_LOW,
                Topics.WORKER_COMMANDS)) {
            topics.add(TopicBuilder.name(Topics.deadLetter(name)).partitions(1)
                    .replicas(properties.replicationFactor()).build());
        }
        return new KafkaAdmin.NewTopics(topics.toArray(NewTopic[]::new));
    }
}
