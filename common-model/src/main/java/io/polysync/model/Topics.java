package io.polysync.model;

import io.polysync.model.run.Band;

/** Kafka topic names. The single place they are spelled; see DESIGN.md section 4. */
public final class Topics {

    /** Compacted; key taskId; value the full task snapshot, or a tombstone when the task is deleted. */
    public static final String TASK_DEFINITIONS = "polysync.task-definitions";
    /** Key taskId; co-partitioned with {@link #WORKER_REPORTS} and {@link #RUN_COMMANDS}. */
    public static final String TRIGGERS = "polysync.triggers";
    public static final String RUNS_HIGH = "polysync.runs.high";
    public static final String RUNS_NORMAL = "polysync.runs.normal";
    public static final String RUNS_LOW = "polysync.runs.low";
    /** Key taskId; what workers say happened to a run. */
    public static final String WORKER_REPORTS = "polysync.worker-reports";
    /** Key taskId; the public lifecycle stream. */
    public static final String RUN_EVENTS = "polysync.run-events";
    /** Key taskId; requests from the task-service to the dispatcher. */
    public static final String RUN_COMMANDS = "polysync.run-commands";
    /** Key runId; read by every worker instance. */
    public static final String WORKER_COMMANDS = "polysync.worker-commands";
    /** Inbound trigger events from upstream systems. */
    public static final String EXTERNAL_TRIGGERS = "polysync.external-triggers";

    public static final String DLQ_SUFFIX = ".dlq";

    private Topics() {
    }

    public static String runs(Band band) {
        return switch (band) {
            case HIGH -> RUNS_HIGH;
            case NORMAL -> RUNS_NORMAL;
            case LOW -> RUNS_LOW;
        };
    }

    public static String deadLetter(String topic) {
        return topic + DLQ_SUFFIX;
    }
}
