package io.polysync.dispatcher;

import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.search.Search;
import io.polysync.dispatcher.ledger.TaskRun;
import io.polysync.dispatcher.metrics.DispatchGauges;
import io.polysync.dispatcher.support.DispatcherIntegrationTest;
import io.polysync.model.ConsumerGroups;
import io.polysync.model.Topics;
import io.polysync.model.event.RunFailed;
import io.polysync.model.event.RunStarted;
import io.polysync.model.event.RunSucceeded;
import io.polysync.model.event.TriggerRequested;
import io.polysync.model.id.Ids;
import io.polysync.model.run.FailureReason;
import io.polysync.model.run.RunError;
import io.polysync.model.run.RunState;
import io.polysync.model.run.TriggerType;
import io.polysync.model.task.ContentionProfileSnapshot;
import io.polysync.model.task.TaskSnapshot;
import io.polysync.runtime.kafka.ConsumerLagMonitor;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;

import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Collection;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeUnit;

import static io.polysync.dispatcher.support.Fixtures.aProfile;
import static io.polysync.dispatcher.support.Fixtures.aTask;
import static io.polysync.dispatcher.support.Fixtures.aTriggerOf;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/** The dispatcher's meters of docs/metrics.md: there from start-up, moving as runs go through the ledger. */
class DispatcherMetricsIT extends DispatcherIntegrationTest {

    private static final String SERVICE = "dispatcher-service";

    @Autowired
    MeterRegistry meters;
    @Autowired
    DispatchGauges gauges;
    @Autowired
    ConsumerLagMonitor lagMonitor;

    @Test
    void everyMeterExistsFromStartUpTaggedWithTheService() {
        assertSeries("polysync.runs.transitions", 25);
        assertSeries("polysync.runs.failed", 6);
        assertSeries("polysync.runs.trigger.to.running", 5);
        assertSeries("polysync.runs.dependency.handoff", 1);
        assertSeries("polysync.runs.duration", 15);
        assertSeries("polysync.reports.rejected", 2);
        assertSeries("polysync.runs.active", 2);
        assertSeries("polysync.dispatch.queue.depth", 3);
        assertSeries("polysync.dispatch.queue.oldest.age", 3);
        assertSeries("polysync.dispatch.waiting", 3);
        assertSeries("polysync.outbox.backlog", 1);
        assertSeries("polysync.outbox.oldest.age", 1);
        assertSeries("polysync.outbox.published", 1);
        assertThat(meters.find("polysync.dlq.records").counters()).extracting(c -> c.getId().getTag("topic"))
                .contains(Topics.TRIGGERS, Topics.WORKER_REPORTS, Topics.RUN_COMMANDS, Topics.TASK_DEFINITIONS);
        ConsumerGroups.EXPECTED.forEach((group, topics) -> topics.forEach(topic -> {
            assertThat(meters.find("polysync.kafka.consumer.lag").tag("group", group).tag("topic", topic).gauge())
                    .as("lag of %s on %s", group, topic).isNotNull();
            assertThat(meters.find("polysync.kafka.consumer.members").tag("group", group).tag("topic", topic)
                    .gauge()).as("members of %s on %s", group, topic).isNotNull();
        }));
        assertThat(meters.find("polysync.runs.dependency.handoff").timer().getId().getType())
                .isEqualTo(Meter.Type.TIMER);
    }

    @Test
    void runsMoveTheCountersTimersAndLedgerGauges() {
        String profile = "metrics-" + UUID.randomUUID().toString().substring(0, 8);
        ContentionProfileSnapshot oneAtATime = aProfile(profile, 1, null, null);
        TaskSnapshot parentless = aTask().profiles(oneAtATime).build();
        TaskSnapshot other = aTask().profiles(oneAtATime).build();
        publishDefinition(parentless);
        publishDefinition(other);
        double queuedByDependency = count("polysync.runs.transitions", "state", "QUEUED", "trigger_type", "DEPENDENCY");
        double rejected = count("polysync.reports.rejected", "reason", "RUN_FINISHED");
        double timedOut = count("polysync.runs.failed", "reason", "TIMED_OUT");
        long handoffs = meters.get("polysync.runs.dependency.handoff").timer().count();
        long noopSucceeded = meters.get("polysync.runs.duration").tag("job_type", "noop").tag("state", "SUCCEEDED")
                .timer().count();

        Instant parentFinished = Instant.now().minusSeconds(2).truncatedTo(ChronoUnit.MICROS);
        UUID triggerId = Ids.triggerId(parentless.taskId(), TriggerType.DEPENDENCY, UUID.randomUUID().toString());
        TriggerRequested dependency = new TriggerRequested(triggerId, Ids.runId(triggerId), parentless.taskId(),
                parentless.name(), TriggerType.DEPENDENCY, Map.of(), Map.of(), 1, null,
                parentless.definitionVersion(), "scheduler", null, Instant.now(), parentFinished);
        publishTrigger(dependency);
        TaskRun first = awaitRun(dependency.runId(), RunState.QUEUED);
        TriggerRequested second = aTriggerOf(other, "second").build();
        publishTrigger(second);
        await().atMost(Duration.ofSeconds(30)).until(() -> runs.findById(second.runId())
                .map(r -> r.waitingReason() != null).orElse(false));

        gauges.refresh();
        assertThat(gauge("polysync.dispatch.waiting", "cause", "PROFILE_LIMIT")).isGreaterThanOrEqualTo(1);
        assertThat(gauge("polysync.dispatch.queue.depth", "band", "normal")).isGreaterThanOrEqualTo(2);
        assertThat(gauge("polysync.dispatch.queue.oldest.age", "band", "normal")).isGreaterThanOrEqualTo(0);
        assertThat(gauge("polysync.runs.active", "state", "QUEUED")).isGreaterThanOrEqualTo(2);
        assertThat(gauge("polysync.profile.permits.in.use", "profile", profile)).isEqualTo(1);
        assertThat(gauge("polysync.profile.permits.limit", "profile", profile)).isEqualTo(1);
        assertThat(count("polysync.profile.waits", "profile", profile)).isEqualTo(1);
        assertThat(count("polysync.runs.transitions", "state", "QUEUED", "trigger_type", "DEPENDENCY"))
                .isEqualTo(queuedByDependency + 1);

        Instant started = Instant.now();
        report(new RunStarted(first.runId(), first.taskId(), "w-1", started));
        report(new RunSucceeded(first.runId(), first.taskId(), "w-1", Map.of(), started.plusMillis(300)));
        awaitRun(first.runId(), RunState.SUCCEEDED);
        report(new RunSucceeded(first.runId(), first.taskId(), "w-1", Map.of(), Instant.now()));
        await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> assertThat(
                count("polysync.reports.rejected", "reason", "RUN_FINISHED")).isEqualTo(rejected + 1));
        assertThat(meters.get("polysync.runs.dependency.handoff").timer().count()).isEqualTo(handoffs + 1);
        assertThat(meters.get("polysync.runs.dependency.handoff").timer().max(TimeUnit.SECONDS))
                .isGreaterThanOrEqualTo(2);
        assertThat(meters.get("polysync.runs.duration").tag("job_type", "noop").tag("state", "SUCCEEDED")
                .timer().count()).isEqualTo(noopSucceeded + 1);

        TaskRun admitted = awaitAdmitted(second.runId());
        report(new RunStarted(admitted.runId(), admitted.taskId(), "w-2", Instant.now()));
        report(new RunFailed(admitted.runId(), admitted.taskId(), "w-2",
                RunError.retryable(FailureReason.TIMED_OUT, "exceeded its execution timeout"), Instant.now()));
        awaitRun(admitted.runId(), RunState.FAILED);
        await().atMost(Duration.ofSeconds(10)).untilAsserted(() ->
                assertThat(count("polysync.runs.failed", "reason", "TIMED_OUT")).isEqualTo(timedOut + 1));
        gauges.refresh();
        assertThat(gauge("polysync.profile.permits.in.use", "profile", profile)).isZero();
    }

    @Test
    void theLagMonitorShowsABandThatNoWorkerConsumes() {
        TaskSnapshot task = aTask().build();
        publishDefinition(task);
        TriggerRequested trigger = aTriggerOf(task, "lag").build();
        publishTrigger(trigger);
        awaitAdmitted(trigger.runId());

        await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(500)).untilAsserted(() -> {
            lagMonitor.refresh();
            assertThat(gauge("polysync.kafka.consumer.members", "group", ConsumerGroups.WORKER,
                    "topic", Topics.RUNS_NORMAL)).isZero();
            assertThat(gauge("polysync.kafka.consumer.lag", "group", ConsumerGroups.WORKER,
                    "topic", Topics.RUNS_NORMAL)).isGreaterThanOrEqualTo(1);
            assertThat(gauge("polysync.kafka.consumer.members", "group", ConsumerGroups.DISPATCHER,
                    "topic", Topics.TRIGGERS)).isPositive();
            assertThat(gauge("polysync.kafka.consumer.lag", "group", ConsumerGroups.DISPATCHER,
                    "topic", Topics.TRIGGERS)).isZero();
        });
    }

    private TaskRun awaitAdmitted(UUID runId) {
        return await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(50))
                .until(() -> runs.findById(runId).orElse(null), run -> run != null && run.admittedAt() != null);
    }

    private void assertSeries(String name, int atLeast) {
        Collection<Meter> found = meters.find(name).meters();
        assertThat(found).as(name).hasSizeGreaterThanOrEqualTo(atLeast)
                .allSatisfy(m -> assertThat(m.getId().getTag("service")).isEqualTo(SERVICE));
    }

    private double count(String name, String... tags) {
        return Search.in(meters).name(name).tags(tags).counter().count();
    }

    private double gauge(String name, String... tags) {
        return Search.in(meters).name(name).tags(tags).gauge().value();
    }
}
