package io.polysync.worker.executor;

import io.polysync.model.task.PlatformSnapshot;
import io.polysync.worker.execution.JobContext;

import java.util.Map;
import java.util.UUID;

/** Job contexts for executor tests. */
final class Contexts {

    private Contexts() {
    }

    static JobContext context(String platformType, Map<String, Object> platformConfig, Map<String, Object> parameters) {
        return new JobContext(UUID.randomUUID(), UUID.randomUUID(), "a-task", 1,
                new PlatformSnapshot(UUID.randomUUID(), "a-platform", platformType, platformConfig), parameters, null);
    }
}
