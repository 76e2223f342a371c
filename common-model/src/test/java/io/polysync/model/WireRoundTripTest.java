package io.polysync.model;

import io.polysync.model.event.CancelRun;
import io.polysync.model.event.CancelRunRequested;
import io.polysync.model.event.ExternalTriggerRequested;
import io.polysync.model.event.RetryScheduled;
import io.polysync.model.event.RunCancelled;
import io.polysync.model.event.RunDispatched;
import io.polysync.model.event.RunEvent;
import io.polysync.model.event.RunFailed;
import io.polysync.model.event.RunHeartbeat;
import io.polysync.model.event.RunStarted;
import io.polysync.model.event.RunStateChanged;
import io.polysync.model.event.RunSucceeded;
import io.polysync.model.event.TaskDefinitionChanged;
import io.polysync.model.event.TriggerRequested;
import io.polysync.model.event.WorkerReport;
import io.polysync.model.run.FailureReason;
import io.polysync.model.run.RunError;
import io.polysync.model.run.RunState;
import io.polysync.model.run.TriggerType;
import io.polysync.model.task.Backoff;
import io.polysync.model.task.DependencySnapshot;
import io.polysync.model.task.JobSnapshot;
import io.polysync.model.task.MisfirePolicy;
import io.polysync.model.task.OutputMapping;
import io.polysync.model.task.PlatformSnapshot;
import io.polysync.model.task.RetryPolicy;
import io.polysync.model.task.ScheduleSnapshot;
import io.polysync.model.task.TaskSnapshot;
import org.junit.jupiter.api.Test;

import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import static org.assertj.core.api.Assertions.assertThat;

class WireRoundTripTest {

    private static final Instant AT = Instant.parse("2026-11-28T10:15:30.123Z");
    private static final UUID RUN = UUID.randomUUID();
    private static final UUID TASK = UUID.randomUUID();

    @Test
    void taskDefinitionChangedRoundTripsWithItsJobAndPlatform() {
        PlatformSnapshot platform = new PlatformSnapshot(UUID.randomUUID(), "billing-api", "http",
                Map.of("baseUrl", "https://billing.example", "headers", Map.of("Authorization", "vault://main/token")));
        JobSnapshot job = new JobSnapshot(UUID.randomUUID(), "refresh", "http.request",
                Map.of("type", "object"), Map.of("method", "POST"), List.of("status"), platform);
        TaskSnapshot task = new TaskSnapshot(TASK, "nightly-refresh", 3, job, Map.of("path", "/refresh"),
                List.of(new DependencySnapshot(UUID.randomUUID(), "extract", List.of(new OutputMapping("day", "day")))),
                List.of(new ScheduleSnapshot(UUID.randomUUID(), "0 2 * * *", "Europe/Berlin")),
                MisfirePolicy.CATCH_UP, 5, 80, new RetryPolicy(true, 3, Backoff.EXPONENTIAL, 10, 300L, false),
                600L, 1, List.of("warehouse-a"), null);

        assertRoundTrip(TaskDefinitionChanged.of(task, AT), TaskDefinitionChanged.class);
    }

    @Test
    void triggerAndDispatchRoundTrip() {
        assertRoundTrip(new TriggerRequested(UUID.randomUUID(), RUN, TASK, "t", TriggerType.RETRY,
                Map.of("day", "2026-11-28"), Map.of("limit", 5), 2, UUID.randomUUID(), 7, "scheduler", AT, AT),
                TriggerRequested.class);
        assertRoundTrip(new RunDispatched(RUN, TASK, "t", 1, TriggerType.MANUAL, "noop",
                new PlatformSnapshot(UUID.randomUUID(), "local", "shell", Map.of()), Map.of("sleepMillis", 10),
                30L, 50, 1, AT), RunDispatched.class);
    }

    @Test
    void workerReportsKeepTheirConcreteTypeThroughTheSealedInterface() {
        List<WorkerReport> reports = List.of(
                new RunStarted(RUN, TASK, "w-1", AT),
                new RunHeartbeat(RUN, TASK, "w-1", AT),
                new RunSucceeded(RUN, TASK, "w-1", Map.of("status", 200, "body", Map.of("ok", true)), AT),
                new RunFailed(RUN, TASK, "w-1", new RunError(FailureReason.TIMED_OUT, "took too long", true), AT),
                new RunCancelled(RUN, TASK, "w-1", "cancel requested", AT));
        for (WorkerReport report : reports) {
            String json = Json.encode(report);
            assertThat(json).contains("\"type\":\"" + report.getClass().getSimpleName() + "\"");
            assertThat(Json.decode(json, WorkerReport.class)).isEqualTo(report);
        }
    }

    @Test
    void runEventsKeepTheirConcreteType() {
        RunEvent changed = new RunStateChanged(RUN, TASK, "t", TriggerType.SCHEDULE, 1, null, RunState.RUNNING,
                RunState.SUCCEEDED, "succeeded on w-1", null, Map.of("exitCode", 0), "w-1", 4, "scheduler", AT,
                AT, AT, AT, AT);
        RunEvent retry = new RetryScheduled(RUN, TASK, 2, UUID.randomUUID(), AT.plusSeconds(10), AT);
        assertThat(Json.decode(Json.encode(changed), RunEvent.class)).isEqualTo(changed);
        assertThat(Json.decode(Json.encode(retry), RunEvent.class)).isEqualTo(retry);
    }

    @Test
    void theCreatingRunEventCarriesItsParametersAndAnOlderOneWithoutThemReadsAsEmpty() {
        RunStateChanged queued = new RunStateChanged(RUN, TASK, "t", TriggerType.MANUAL, 1, null, null,
                RunState.QUEUED, "queued", null, null, null, 4, "alice", null, AT, null, null, AT,
                Map.of("token", "vault://main/token", "limit", 5));

        RunStateChanged decoded = (RunStateChanged) Json.decode(Json.encode(queued), RunEvent.class);
        String olderProducer = Json.encode(queued).replaceAll(",?\"parameters\":\\{[^}]*}", "");

        assertThat(decoded).isEqualTo(queued);
        assertThat(decoded.parameters()).containsEntry("token", "vault://main/token").containsEntry("limit", 5);
        assertThat(olderProducer).doesNotContain("parameters");
        assertThat(((RunStateChanged) Json.decode(olderProducer, RunEvent.class)).parameters()).isEmpty();
    }

    @Test
    void commandsRoundTrip() {
        assertRoundTrip(new CancelRunRequested(RUN, TASK, "alice", AT), CancelRunRequested.class);
        assertRoundTrip(new CancelRun(RUN, TASK, "w-1", AT), CancelRun.class);
        assertRoundTrip(new ExternalTriggerRequested("t", "k-1", Map.of("day", "x")), ExternalTriggerRequested.class);
    }

    @Test
    void instantsAreWrittenAsIsoText() {
        assertThat(Json.encode(new RunStarted(RUN, TASK, "w", AT))).contains("\"occurredAt\":\"2026-11-28T10:15:30.123Z\"");
    }

    @Test
    void unknownFieldsAreIgnoredBecauseFieldsAreOnlyEverAdded() {
        String json = "{\"type\":\"RunStarted\",\"runId\":\"" + RUN + "\",\"taskId\":\"" + TASK
                + "\",\"workerId\":\"w\",\"occurredAt\":\"2026-11-28T10:15:30Z\",\"addedLater\":1}";
        assertThat(Json.decode(json, WorkerReport.class)).isInstanceOf(RunStarted.class);
    }

    @Test
    void aPrimitiveFieldMissingFromAnOlderProducerReadsAsItsDefault() {
        String json = "{\"runId\":\"" + RUN + "\",\"taskId\":\"" + TASK + "\",\"taskName\":\"t\",\"attempt\":1,"
                + "\"jobType\":\"noop\",\"occurredAt\":\"2026-11-28T10:15:30Z\"}";
        RunDispatched decoded = Json.decode(json, RunDispatched.class);
        assertThat(decoded.definitionVersion()).isZero();
        assertThat(decoded.priority()).isZero();
    }

    private static <T> void assertRoundTrip(T value, Class<T> type) {
        assertThat(Json.decode(Json.encode(value), type)).isEqualTo(value);
    }
}
