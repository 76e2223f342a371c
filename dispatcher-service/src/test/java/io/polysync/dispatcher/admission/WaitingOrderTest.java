package io.polysync.dispatcher.admission;

import io.polysync.dispatcher.admission.WaitingOrder.Waiting;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.UUID;

import static org.assertj.core.api.Assertions.assertThat;

class WaitingOrderTest {

    private static final Instant NOW = Instant.parse("2026-11-28T10:00:00Z");

    @Test
    void effectivePriorityGrowsWithWaitingTimeAndIsCappedAt100() {
        assertThat(WaitingOrder.effectivePriority(10, NOW, NOW, 1.0)).isEqualTo(10);
        assertThat(WaitingOrder.effectivePriority(10, NOW.minusSeconds(59), NOW, 1.0)).isEqualTo(10);
        assertThat(WaitingOrder.effectivePriority(10, NOW.minus(Duration.ofMinutes(30)), NOW, 1.0)).isEqualTo(40);
        assertThat(WaitingOrder.effectivePriority(10, NOW.minus(Duration.ofMinutes(30)), NOW, 0.5)).isEqualTo(25);
        assertThat(WaitingOrder.effectivePriority(90, NOW.minus(Duration.ofHours(5)), NOW, 1.0)).isEqualTo(100);
        assertThat(WaitingOrder.effectivePriority(10, NOW.minus(Duration.ofHours(5)), NOW, 0)).isEqualTo(10);
    }

    @Test
    void aWaitingRunGoesBeforeANewcomerUnlessTheNewcomerRanksHigher() {
        Waiting newcomer = waiting(50, NOW);

        assertThat(WaitingOrder.goesBefore(waiting(50, NOW.minusSeconds(5)), newcomer, NOW, 1.0)).isTrue();
        assertThat(WaitingOrder.goesBefore(waiting(50, NOW), newcomer, NOW, 1.0)).isTrue();
        assertThat(WaitingOrder.goesBefore(waiting(49, NOW.minusSeconds(5)), newcomer, NOW, 1.0)).isFalse();
        assertThat(WaitingOrder.goesBefore(waiting(40, NOW.minus(Duration.ofMinutes(10))), newcomer, NOW, 1.0))
                .isTrue();
        assertThat(WaitingOrder.goesBefore(waiting(40, NOW.minus(Duration.ofMinutes(10))), newcomer, NOW, 0))
                .isFalse();
    }

    @Test
    void higherPriorityGoesFirstAndEqualsInQueueOrder() {
        Waiting lowOld = waiting(20, NOW.minusSeconds(30));
        Waiting highNew = waiting(80, NOW.minusSeconds(1));
        Waiting normalOlder = waiting(50, NOW.minusSeconds(20));
        Waiting normalNewer = waiting(50, NOW.minusSeconds(10));

        assertThat(List.of(lowOld, normalNewer, highNew, normalOlder).stream().sorted(WaitingOrder.at(NOW, 1.0)))
                .containsExactly(highNew, normalOlder, normalNewer, lowOld);
    }

    @Test
    void ageingLiftsAnOldLowPriorityRunAboveNewerHigherOnes() {
        Waiting lowAncient = waiting(10, NOW.minus(Duration.ofHours(2)));
        Waiting highNew = waiting(90, NOW.minusSeconds(1));

        assertThat(List.of(highNew, lowAncient).stream().sorted(WaitingOrder.at(NOW, 1.0)))
                .containsExactly(lowAncient, highNew);
        assertThat(List.of(highNew, lowAncient).stream().sorted(WaitingOrder.at(NOW, 0)))
                .containsExactly(highNew, lowAncient);
    }

    private static Waiting waiting(int priority, Instant queuedAt) {
        return new Waiting(UUID.randomUUID(), priority, queuedAt);
    }
}
