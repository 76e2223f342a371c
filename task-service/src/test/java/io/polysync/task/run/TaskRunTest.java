package io.polysync.task.run;

import io.polysync.model.event.RunStateChanged;
import io.polysync.model.run.FailureReason;
import io.polysync.model.run.RunError;
import io.polysync.model.run.RunState;
import io.polysync.model.run.TriggerType;
import org.junit.jupiter.api.Test;

import java.time.Instant;
import java.util.Map;
import java.util.UUID;

import static org.assertj.core.api.Assertions.assertThat;

class TaskRunTest {

    private static final UUID RUN = UUID.randomUUID();
    private static final UUID TASK = UUID.randomUUID();
    private static final Instant T0 = Instant.parse("2026-11-28T10:00:00Z");

    private static RunStateChanged event(RunState from, RunState to, Instant at, Map<String, Object> outputs,
                                         RunError error) {
        return new RunStateChanged(RUN, TASK, "nightly", TriggerType.MANUAL, 1, null, from, to, "because", error,
                outputs, "w-1", 3, "api", null, T0, to == RunState.QUEUED ? null : T0.plusSeconds(1),
                to.isTerminal() ? at : null, at);
    }

    private static TaskRun queued() {
        return TaskRun.queued(RUN, TASK, "nightly", TriggerType.MANUAL, 1, 3, "api", T0);
    }

    @Test
    void movesForwardThroughItsStates() {
        TaskRun run = queued();

        assertThat(run.advance(event(RunState.QUEUED, RunState.RUNNING, T0.plusSeconds(1), null, null), T0)).isTrue();
        assertThat(run.advance(event(RunState.RUNNING, RunState.SUCCEEDED, T0.plusSeconds(5), Map.of("day", "mon"),
                null), T0)).isTrue();

        assertThat(run.state()).isEqualTo(RunState.SUCCEEDED);
        assertThat(run.startedAt()).isEqualTo(T0.plusSeconds(1));
        assertThat(run.finishedAt()).isEqualTo(T0.plusSeconds(5));
        assertThat(run.outputs()).containsEntry("day", "mon");
        assertThat(run.error()).isNull();
    }

    @Test
    void ignoresTheDispatchersQueuedEventForARunTheApiAlreadyQueued() {
        TaskRun run = queued();

        assertThat(run.advance(event(null, RunState.QUEUED, T0, null, null), T0)).isFalse();
        assertThat(run.state()).isEqualTo(RunState.QUEUED);
    }

    @Test
    void aRunOnceRowLearnsItsParametersFromTheCreatingEventThoughItsStateDoesNotMove() {
        TaskRun run = queued();
        RunStateChanged plain = event(null, RunState.QUEUED, T0, null, null);
        RunStateChanged creating = new RunStateChanged(RUN, TASK, "nightly", TriggerType.MANUAL, 1, null, null,
                RunState.QUEUED, "queued", null, null, null, 3, "api", null, T0, null, null, T0,
                Map.of("path", "/override", "token", "vault://main/token"));
        assertThat(run.parameters()).isNull();

        assertThat(run.learnParameters(creating, T0.plusSeconds(1))).isTrue();
        assertThat(run.advance(creating, T0.plusSeconds(1))).isFalse();
        assertThat(run.advance(event(RunState.QUEUED, RunState.RUNNING, T0.plusSeconds(2), null, null), T0)).isTrue();
        assertThat(run.learnParameters(plain, T0.plusSeconds(3))).isFalse();

        assertThat(run.parameters()).isEqualTo(Map.of("path", "/override", "token", "vault://main/token"));
    }

    @Test
    void treatsTerminalStatesAsAbsorbing() {
        TaskRun run = queued();
        run.advance(event(RunState.QUEUED, RunState.CANCELLED, T0.plusSeconds(2), null, null), T0);

        assertThat(run.advance(event(RunState.QUEUED, RunState.RUNNING, T0.plusSeconds(3), null, null), T0)).isFalse();
        assertThat(run.advance(event(RunState.RUNNING, RunState.SUCCEEDED, T0.plusSeconds(4), Map.of("x", 1), null),
                T0)).isFalse();

        assertThat(run.state()).isEqualTo(RunState.CANCELLED);
        assertThat(run.outputs()).isEmpty();
        assertThat(run.finishedAt()).isEqualTo(T0.plusSeconds(2));
    }

    @Test
    void ignoresAReplayedRunningAfterCompletion() {
        TaskRun run = queued();
        run.advance(event(RunState.QUEUED, RunState.RUNNING, T0.plusSeconds(1), null, null), T0);
        run.advance(event(RunState.RUNNING, RunState.SUCCEEDED, T0.plusSeconds(5), Map.of("a", 1), null), T0);

        assertThat(run.advance(event(RunState.QUEUED, RunState.RUNNING, T0.plusSeconds(1), null, null), T0)).isFalse();
        assertThat(run.state()).isEqualTo(RunState.SUCCEEDED);
    }

    @Test
    void keepsTheErrorOfAFailedRun() {
        TaskRun run = queued();
        RunError error = RunError.retryable(FailureReason.TIMED_OUT, "took longer than 10 s");

        run.advance(event(RunState.QUEUED, RunState.FAILED, T0.plusSeconds(10), null, error), T0);

        assertThat(run.error()).isEqualTo(error);
    }

    @Test
    void isCreatedFromTheFirstEventItIsSeenIn() {
        RunStateChanged first = event(null, RunState.QUEUED, T0, null, null);

        TaskRun run = TaskRun.from(first, T0.plusSeconds(9));

        assertThat(run.state()).isEqualTo(RunState.QUEUED);
        assertThat(run.queuedAt()).isEqualTo(T0);
        assertThat(run.definitionVersion()).isEqualTo(3);
        assertThat(run.taskName()).isEqualTo("nightly");
    }

    @Test
    void recordsTheScheduledRetry() {
        TaskRun run = queued();
        UUID retry = UUID.randomUUID();

        run.retryScheduled(retry, T0.plusSeconds(30), T0);

        assertThat(run.retriedBy(UUID.randomUUID(), T0)).isFalse();

        assertThat(run.retriedBy()).isEqualTo(retry);
        assertThat(run.nextRetryAt()).isEqualTo(T0.plusSeconds(30));
    }
}
