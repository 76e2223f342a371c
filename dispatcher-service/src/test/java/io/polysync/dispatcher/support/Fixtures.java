package io.polysync.dispatcher.support;

import io.polysync.model.id.Ids;
import io.polysync.model.run.TriggerType;
import io.polysync.model.event.TriggerRequested;
import io.polysync.model.task.ContentionProfileSnapshot;
import io.polysync.model.task.JobSnapshot;
import io.polysync.model.task.PlatformSnapshot;
import io.polysync.model.task.TaskSnapshot;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.UUID;

/** Test data: tasks as the task-service publishes them and triggers as the scheduler or the API make them. */
public final class Fixtures {

    private Fixtures() {
    }

    public static TaskBuilder aTask() {
        return new TaskBuilder();
    }

    /** A profile with a concurrency limit, a rate limit (runs per period) or both; null for the one it lacks. */
    public static ContentionProfileSnapshot aProfile(String name, Integer maxConcurrent, Integer rateRuns,
                                                     Duration per) {
        return new ContentionProfileSnapshot(name, maxConcurrent,
                rateRuns == null ? null : new ContentionProfileSnapshot.RateLimit(rateRuns, per), 1);
    }

    /** A MANUAL trigger of {@code task} at its definition version, with the given idempotency key. */
    public static TriggerBuilder aTriggerOf(TaskSnapshot task, String key) {
        return new TriggerBuilder(task, key);
    }

    public static final class TaskBuilder {

        private final UUID taskId = UUID.randomUUID();
        private final String name = "task-" + taskId.toString().substring(0, 8);
        private long version = 1;
        private int priority = TaskSnapshot.DEFAULT_PRIORITY;
        private Map<String, Object> jobDefaults = Map.of();
        private Map<String, Object> parameters = Map.of();
        private Long timeoutSeconds = 30L;
        private Map<String, Object> parameterSchema = Map.of("type", "object");
        private Integer maxConcurrentRuns;
        private List<ContentionProfileSnapshot> profiles = List.of();

        public TaskBuilder maxConcurrentRuns(Integer max) {
            this.maxConcurrentRuns = max;
            return this;
        }

        public TaskBuilder profiles(ContentionProfileSnapshot... profiles) {
            this.profiles = List.of(profiles);
            return this;
        }

        public TaskBuilder version(long version) {
            this.version = version;
            return this;
        }

        public TaskBuilder priority(int priority) {
            this.priority = priority;
            return this;
        }

        public TaskBuilder jobDefaults(Map<String, Object> defaults) {
            this.jobDefaults = defaults;
            return this;
        }

        public TaskBuilder parameters(Map<String, Object> parameters) {
            this.parameters = parameters;
            return this;
        }

        public TaskBuilder parameterSchema(Map<String, Object> schema) {
            this.parameterSchema = schema;
            return this;
        }

        public TaskBuilder timeoutSeconds(Long seconds) {
            this.timeoutSeconds = seconds;
            return this;
        }

        public TaskSnapshot build() {
            PlatformSnapshot platform = new PlatformSnapshot(UUID.nameUUIDFromBytes("local".getBytes()), "local",
                    "shell", Map.of("workingDirectory", "/tmp"));
            JobSnapshot job = new JobSnapshot(UUID.nameUUIDFromBytes(name.getBytes()), "job-" + name, "noop",
                    parameterSchema, jobDefaults, List.of(), platform);
            return new TaskSnapshot(taskId, name, version, job, parameters, List.of(), List.of(), null, null,
                    priority, null, timeoutSeconds, maxConcurrentRuns,
                    profiles.stream().map(ContentionProfileSnapshot::name).toList(), profiles);
        }
    }

    public static final class TriggerBuilder {

        private final TaskSnapshot task;
        private final String key;
        private TriggerType type = TriggerType.MANUAL;
        private int attempt = 1;
        private UUID retryOf;
        private Instant scheduledFor;
        private Map<String, Object> mappedInputs = Map.of();
        private Map<String, Object> overrides = Map.of();
        private long definitionVersion;
        private Instant occurredAt;

        TriggerBuilder(TaskSnapshot task, String key) {
            this.task = task;
            this.key = key;
            this.definitionVersion = task.definitionVersion();
        }

        /** A SCHEDULE trigger firing at {@code instant}, as the scheduler makes them. */
        public TriggerBuilder scheduledFor(Instant instant) {
            this.type = TriggerType.SCHEDULE;
            this.scheduledFor = instant;
            return this;
        }

        /** A RETRY trigger of the failed {@code runId}, as the scheduler makes them: no inputs of its own. */
        public TriggerBuilder retrying(UUID runId, int attempt) {
            this.type = TriggerType.RETRY;
            this.retryOf = runId;
            this.attempt = attempt;
            return this;
        }

        public TriggerBuilder mappedInputs(Map<String, Object> inputs) {
            this.mappedInputs = inputs;
            return this;
        }

        public TriggerBuilder overrides(Map<String, Object> overrides) {
            this.overrides = overrides;
            return this;
        }

        /** When the trigger was made: the run's queue time, from which its ageing counts. */
        public TriggerBuilder occurredAt(Instant instant) {
            this.occurredAt = instant;
            return this;
        }

        public TriggerBuilder definitionVersion(long version) {
            this.definitionVersion = version;
            return this;
        }

        public TriggerRequested build() {
            UUID triggerId = Ids.triggerId(task.taskId(), type, retryOf != null ? retryOf.toString() : key);
            String requestedBy = type == TriggerType.MANUAL ? "alice" : "scheduler";
            return new TriggerRequested(triggerId, Ids.runId(triggerId), task.taskId(), task.name(), type,
                    mappedInputs, overrides, attempt, retryOf, definitionVersion, requestedBy, scheduledFor,
                    occurredAt != null ? occurredAt : Instant.now());
        }
    }
}
