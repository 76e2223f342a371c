package io.polysync.model;

import java.util.List;
import java.util.Map;

/**
 * Kafka consumer group names of the services, the single place they are spelled in code (each service's yml names
 * its default group, {@code spring.kafka.consumer.group-id}, with the same value). The consumer lag monitor reports
 * every group of {@link #EXPECTED} from start-up, so a group nobody consumes in shows as such.
 */
public final class ConsumerGroups {

    /** The dispatcher's default group: triggers, worker reports, run commands. */
    public static final String DISPATCHER = "polysync-dispatcher";
    public static final String DISPATCHER_DEFINITIONS = "polysync-dispatcher-definitions";
    /** The scheduler's default group: run events. */
    public static final String SCHEDULER = "polysync-scheduler";
    /** Shared by the scheduler replicas: the partitions assigned decide whose schedules a replica fires. */
    public static final String SCHEDULER_DEFINITIONS = "polysync-scheduler-definitions";
    /** The task-service's default group: run events into the read model. */
    public static final String TASK_SERVICE = "polysync-task-service";
    public static final String TASK_SERVICE_EXTERNAL = "polysync-task-service-external";
    /** The workers' group on the band topics. */
    public static final String WORKER = "polysync-worker";
    /** Prefix of each worker instance's own group on worker-commands (one group per instance, by design). */
    public static final String WORKER_COMMANDS_PREFIX = "polysync-worker-commands-";

    /** Every group with a stable name and the topics it consumes. */
    public static final Map<String, List<String>> EXPECTED = Map.of(
            DISPATCHER, List.of(Topics.TRIGGERS, Topics.WORKER_REPORTS, Topics.RUN_COMMANDS),
            DISPATCHER_DEFINITIONS, List.of(Topics.TASK_DEFINITIONS),
            SCHEDULER, List.of(Topics.RUN_EVENTS),
            SCHEDULER_DEFINITIONS, List.of(Topics.TASK_DEFINITIONS),
            TASK_SERVICE, List.of(Topics.RUN_EVENTS),
            TASK_SERVICE_EXTERNAL, List.of(Topics.EXTERNAL_TRIGGERS),
            WORKER, List.of(Topics.RUNS_HIGH, Topics.RUNS_NORMAL, Topics.RUNS_LOW));

    private ConsumerGroups() {
    }
}
