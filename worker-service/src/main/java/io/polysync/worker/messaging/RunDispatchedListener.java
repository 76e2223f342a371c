package io.polysync.worker.messaging;

import io.polysync.model.Json;
import io.polysync.model.Topics;
import io.polysync.model.event.RunDispatched;
import io.polysync.worker.execution.RunExecution;
import org.springframework.kafka.annotation.KafkaListener;
import org.springframework.stereotype.Component;

/**
 * Takes admitted runs from the band topics. Each run executes in the listener thread, so its offset is committed
 * only after its outcome was reported (at least once); the container runs as many consumers as the worker's
 * concurrency, each fetching one record per poll.
 */
@Component
class RunDispatchedListener {

    static final String ID = "polysync-worker-runs";

    private final RunExecution execution;

    RunDispatchedListener(RunExecution execution) {
        this.execution = execution;
    }

    @KafkaListener(id = ID, idIsGroup = false, topics = {Topics.RUNS_HIGH, Topics.RUNS_NORMAL, Topics.RUNS_LOW})
    void on(String value) throws InterruptedException {
        execution.execute(Json.decode(value, RunDispatched.class));
    }
}
