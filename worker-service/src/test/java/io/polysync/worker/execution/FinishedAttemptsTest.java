package io.polysync.worker.execution;

import io.polysync.model.event.RunStarted;
import io.polysync.model.event.WorkerReport;
import org.junit.jupiter.api.Test;

import java.time.Instant;
import java.util.List;
import java.util.UUID;

import static org.assertj.core.api.Assertions.assertThat;

class FinishedAttemptsTest {

    private final FinishedAttempts finished = new FinishedAttempts(2);

    @Test
    void findsOnlyTheAttemptThatFinished() {
        UUID run = UUID.randomUUID();
        finished.add(run, 1, List.of(started(run)));

        assertThat(finished.find(run, 1)).isNotNull();
        assertThat(finished.find(run, 2)).isNull();
        assertThat(finished.find(UUID.randomUUID(), 1)).isNull();
    }

    @Test
    void forgetsTheOldestBeyondItsBound() {
        UUID first = UUID.randomUUID();
        UUID second = UUID.randomUUID();
        UUID third = UUID.randomUUID();
        finished.add(first, 1, List.of(started(first)));
        finished.add(second, 1, List.of(started(second)));
        finished.add(third, 1, List.of(started(third)));

        assertThat(finished.find(first, 1)).isNull();
        assertThat(finished.find(second, 1)).isNotNull();
        assertThat(finished.find(third, 1)).isNotNull();
    }

    @Test
    void keepsTheReportsOnlyUntilTheyAreAcknowledged() {
        UUID run = UUID.randomUUID();
        WorkerReport start = started(run);
        FinishedAttempts.Finished attempt = finished.add(run, 1, List.of(start));

        assertThat(attempt.unacknowledged()).containsExactly(start);
        attempt.acknowledged();
        assertThat(finished.find(run, 1).unacknowledged()).isEmpty();
    }

    private static WorkerReport started(UUID run) {
        return new RunStarted(run, UUID.randomUUID(), "worker-test", Instant.now());
    }
}
