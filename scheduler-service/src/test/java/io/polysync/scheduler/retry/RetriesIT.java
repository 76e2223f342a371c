package io.polysync.scheduler.retry;

import io.micrometer.core.instrument.MeterRegistry;
import io.polysync.model.Json;
import io.polysync.model.Topics;
import io.polysync.model.event.RetryScheduled;
import io.polysync.model.event.RunEvent;
import io.polysync.model.event.RunStateChanged;
import io.polysync.model.event.TriggerRequested;
import io.polysync.model.id.Ids;
import io.polysync.model.run.FailureReason;
import io.polysync.model.run.RunError;
import io.polysync.model.run.TriggerType;
import io.polysync.model.task.Backoff;
import io.polysync.model.task.RetryPolicy;
import io.polysync.scheduler.support.SchedulerIntegrationTest;
import io.polysync.scheduler.support.Tasks;
import io.polysync.scheduler.tasks.TaskCatalog;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;

import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.UUID;

import static io.polysync.scheduler.support.Tasks.task;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

class RetriesIT extends SchedulerIntegrationTest {

    @Autowired
    TaskCatalog tasks;
    @Autowired
    MeterRegistry meters;
    @Autowired
    RetryScheduler retries;

    @Test
    void aFailedRunWithRetriesLeftIsRetriedAfterItsBackoffAndItsLastAttemptIsNot() {
        UUID taskId = UUID.randomUUID();
        define(task(taskId, 4, List.of(), new RetryPolicy(true, 1, Backoff.EXPONENTIAL, 1, 2L, false)));
        await().atMost(Duration.ofSeconds(30)).until(() -> tasks.views(List.of(taskId)).containsKey(taskId));
        assertThat(meters.find("polysync.scheduler.retries.pending").gauge()).isNotNull();
        double scheduledBefore = meters.get("polysync.retries.scheduled").counter().count();

        UUID failed = UUID.randomUUID();
        Instant failedAt = Instant.now().truncatedTo(ChronoUnit.MILLIS);
        send(Topics.RUN_EVENTS, taskId, Tasks.failed(taskId, failed, 1,
                RunError.retryable(FailureReason.EXECUTION_FAILED, "exit 1"), 3, failedAt));

        UUID retryRun = Ids.runId(Ids.triggerId(taskId, TriggerType.RETRY, failed.toString()));
        RetryScheduled scheduled = retriesScheduled(taskId, 1).get(0);
        assertThat(scheduled.runId()).isEqualTo(failed);
        assertThat(scheduled.attempt()).isEqualTo(2);
        assertThat(scheduled.retryRunId()).isEqualTo(retryRun);
        assertThat(scheduled.dueAt()).isEqualTo(failedAt.plusSeconds(1));
        await().atMost(Duration.ofSeconds(10)).untilAsserted(() ->
                assertThat(meters.get("polysync.retries.scheduled").counter().count()).isEqualTo(scheduledBefore + 1));

        TriggerRequested retry = probe(Topics.TRIGGERS).await(1, taskId.toString(), TriggerRequested.class,
                t -> true).get(0);
        assertThat(retry.triggerId()).isEqualTo(Ids.triggerId(taskId, TriggerType.RETRY, failed.toString()));
        assertThat(retry.runId()).isEqualTo(retryRun);
        assertThat(retry.triggerType()).isEqualTo(TriggerType.RETRY);
        assertThat(retry.attempt()).isEqualTo(2);
        assertThat(retry.retryOf()).isEqualTo(failed);
        assertThat(retry.definitionVersion()).isEqualTo(3);
        assertThat(retry.mappedInputs()).isEmpty();
        assertThat(retry.requestedBy()).isEqualTo("scheduler");
        assertThat(retry.occurredAt()).isAfterOrEqualTo(scheduled.dueAt());

        send(Topics.RUN_EVENTS, taskId, Tasks.failed(taskId, retryRun, 2,
                RunError.retryable(FailureReason.TIMED_OUT, "timed out"), 3, Instant.now()));
        UUID nonRetryable = UUID.randomUUID();
        send(Topics.RUN_EVENTS, taskId, Tasks.failed(taskId, nonRetryable, 1, RunError.nonRetryable("HTTP 404"), 4,
                Instant.now()));
        UUID marker = UUID.randomUUID();
        send(Topics.RUN_EVENTS, taskId, Tasks.failed(taskId, marker, 1,
                RunError.retryable(FailureReason.LOST, "lease expired"), 4, Instant.now()));

        // the marker is behind the other failures on the task's partition: once it is announced, they were handled
        assertThat(retriesScheduled(taskId, 2)).extracting(RetryScheduled::runId).containsExactly(failed, marker);
        await().during(Duration.ofMillis(500)).atMost(Duration.ofSeconds(2)).until(() ->
                probe(Topics.RUN_EVENTS).seen(taskId.toString(), RunEvent.class, e -> e instanceof RetryScheduled)
                        .size() == 2);
        assertThat(probe(Topics.TRIGGERS).await(2, taskId.toString(), TriggerRequested.class, t -> true))
                .extracting(TriggerRequested::retryOf).containsExactly(failed, marker);
    }

    @Test
    void aFailureReadAgainAfterItsRetryWasPublishedSchedulesNothingAgain() {
        UUID taskId = UUID.randomUUID();
        define(task(taskId, 4, List.of(), new RetryPolicy(true, 1, Backoff.FIXED, 1, null, false)));
        await().atMost(Duration.ofSeconds(30)).until(() -> tasks.views(List.of(taskId)).containsKey(taskId));
        UUID failed = UUID.randomUUID();
        var failure = Tasks.failed(taskId, failed, 1, RunError.retryable(FailureReason.EXECUTION_FAILED, "exit 1"), 3,
                Instant.now());
        send(Topics.RUN_EVENTS, taskId, failure);
        probe(Topics.TRIGGERS).await(1, taskId.toString(), TriggerRequested.class, t -> true);

        // the same failure again, as a rewound consumer group or a redelivery reads it, then a marker behind it
        send(Topics.RUN_EVENTS, taskId, failure);
        UUID marker = UUID.randomUUID();
        send(Topics.RUN_EVENTS, taskId, Tasks.failed(taskId, marker, 1,
                RunError.retryable(FailureReason.LOST, "lease expired"), 3, Instant.now()));

        assertThat(probe(Topics.TRIGGERS).await(2, taskId.toString(), TriggerRequested.class, t -> true))
                .extracting(TriggerRequested::retryOf).containsExactly(failed, marker);
        assertThat(retriesScheduled(taskId, 2)).extracting(RetryScheduled::runId).containsExactly(failed, marker);
        await().during(Duration.ofMillis(1500)).atMost(Duration.ofSeconds(3)).until(() ->
                probe(Topics.RUN_EVENTS).seen(taskId.toString(), RunEvent.class, e -> e instanceof RetryScheduled)
                        .size() == 2 && probe(Topics.TRIGGERS).seen(taskId.toString(), TriggerRequested.class,
                        t -> true).size() == 2);
    }

    @Test
    void aPollsFailuresAreDecidedTogetherAndAFailureTwiceInItIsRetriedOnce() {
        UUID taskId = UUID.randomUUID();
        define(task(taskId, 4, List.of(), new RetryPolicy(true, 1, Backoff.FIXED, 1, null, false)));
        await().atMost(Duration.ofSeconds(30)).until(() -> tasks.views(List.of(taskId)).containsKey(taskId));
        double scheduledBefore = meters.get("polysync.retries.scheduled").counter().count();
        UUID first = UUID.randomUUID();
        UUID second = UUID.randomUUID();
        RunStateChanged firstFailure = Json.decode(Tasks.failed(taskId, first, 1,
                RunError.retryable(FailureReason.EXECUTION_FAILED, "exit 1"), 3, Instant.now()), RunStateChanged.class);

        // one poll: the first failure twice (a redelivery within the same batch), a success, a second failure
        retries.onAll(List.of(firstFailure,
                Json.decode(Tasks.succeeded(taskId, UUID.randomUUID(), Instant.now(), null), RunStateChanged.class),
                firstFailure,
                Json.decode(Tasks.failed(taskId, second, 1, RunError.retryable(FailureReason.LOST, "lease expired"),
                        3, Instant.now()), RunStateChanged.class)));

        assertThat(retriesScheduled(taskId, 2)).extracting(RetryScheduled::runId).containsExactly(first, second);
        assertThat(probe(Topics.TRIGGERS).await(2, taskId.toString(), TriggerRequested.class, t -> true))
                .extracting(TriggerRequested::retryOf).containsExactlyInAnyOrder(first, second);
        assertThat(meters.get("polysync.retries.scheduled").counter().count()).isEqualTo(scheduledBefore + 2);
        // the same poll read again, as after a rewind: both are known, nothing is stored or announced twice
        retries.onAll(List.of(firstFailure));
        await().during(Duration.ofMillis(1000)).atMost(Duration.ofSeconds(3)).until(() ->
                probe(Topics.RUN_EVENTS).seen(taskId.toString(), RunEvent.class, e -> e instanceof RetryScheduled)
                        .size() == 2 && probe(Topics.TRIGGERS).seen(taskId.toString(), TriggerRequested.class,
                        t -> true).size() == 2);
    }

    private static List<RetryScheduled> retriesScheduled(UUID taskId, int count) {
        return probe(Topics.RUN_EVENTS).await(count, taskId.toString(), RunEvent.class,
                        e -> e instanceof RetryScheduled).stream()
                .map(RetryScheduled.class::cast)
                .toList();
    }
}
