package io.polysync.worker.messaging;

import io.polysync.model.Json;
import io.polysync.model.ConsumerGroups;
import io.polysync.model.Topics;
import io.polysync.model.event.CancelRun;
import io.polysync.worker.config.WorkerProperties;
import io.polysync.worker.execution.RunExecution;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.kafka.annotation.KafkaListener;
import org.springframework.stereotype.Component;

/**
 * Receives the dispatcher's commands to workers. Every worker instance reads all of them (a consumer group of its
 * own, starting at the latest command), since the dispatcher does not know which instance will take a queued run.
 * A command naming a worker is for that worker only; one naming none (a queued run's cancel) is for all.
 */
@Component
public class WorkerCommandListener {

    private static final Logger log = LoggerFactory.getLogger(WorkerCommandListener.class);
    static final String ID = "polysync-worker-commands";

    private final RunExecution execution;
    private final String workerId;
    private final String groupId;

    WorkerCommandListener(RunExecution execution, WorkerProperties properties) {
        this.execution = execution;
        this.workerId = properties.workerId();
        this.groupId = ConsumerGroups.WORKER_COMMANDS_PREFIX + properties.workerId();
    }

    /** This instance's consumer group; read by the listener annotation. */
    public String groupId() {
        return groupId;
    }

    @KafkaListener(id = ID, idIsGroup = false, groupId = "#{__listener.groupId()}", topics = Topics.WORKER_COMMANDS,
            concurrency = "1", properties = "auto.offset.reset=latest")
    void on(String value) {
        CancelRun cancel = Json.decode(value, CancelRun.class);
        if (cancel == null || cancel.runId() == null) {
            // of the wrong shape: not retried (it can never succeed), dead-lettered at once, so the cancels behind
            // it in the partition are not held up
            throw new IllegalArgumentException("CancelRun without runId: " + cancel);
        }
        if (cancel.workerId() != null && !cancel.workerId().equals(workerId)) {
            // meant for the worker holding the run's claim, or for one whose start was rejected: another worker
            // executing the same run (the claim holder, say) must go on
            log.debug("Cancel of run {} is for worker {}; ignored", cancel.runId(), cancel.workerId());
            return;
        }
        boolean wasRunning = execution.cancel(cancel.runId());
        log.info("Cancel of run {} received; {}", cancel.runId(),
                wasRunning ? "it is being stopped" : "it will be skipped if it comes here");
    }
}
