package io.polysync.dispatcher.admission;

import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

import static org.assertj.core.api.Assertions.assertThat;

class SlidingWindowTest {

    private static final Duration PER = Duration.ofSeconds(2);
    private static final Instant T0 = Instant.parse("2026-11-28T10:00:00Z");

    @Test
    void fewerAdmissionsThanTheLimitLeaveASlot() {
        assertThat(SlidingWindow.nextSlot(List.of(T0, T0.plusMillis(100)), 3, PER, T0.plusMillis(200))).isEmpty();
    }

    @Test
    void aFullWindowOpensWhenItsOldestAdmissionLeavesIt() {
        List<Instant> admissions = List.of(T0.plusMillis(500), T0, T0.plusMillis(300));
        assertThat(SlidingWindow.nextSlot(admissions, 3, PER, T0.plusMillis(600))).contains(T0.plus(PER));
        assertThat(SlidingWindow.nextSlot(admissions, 3, PER, T0.plus(PER).minusMillis(1))).contains(T0.plus(PER));
        assertThat(SlidingWindow.nextSlot(admissions, 3, PER, T0.plus(PER))).isEmpty();
    }

    @Test
    void admissionsOlderThanTheWindowDoNotCount() {
        List<Instant> admissions = List.of(T0.minusSeconds(10), T0.minusSeconds(5), T0.minusSeconds(3));
        assertThat(SlidingWindow.nextSlot(admissions, 1, PER, T0)).isEmpty();
    }

    @Test
    void admittingAtEveryOpenSlotNeverPutsMoreThanTheLimitInAnyWindow() {
        List<Instant> admitted = new ArrayList<>();
        for (Instant now = T0; now.isBefore(T0.plusSeconds(20)); now = now.plusMillis(7)) {
            Optional<Instant> next = SlidingWindow.nextSlot(admitted, 3, PER, now);
            if (next.isEmpty()) {
                admitted.add(now);
            } else {
                assertThat(next.get()).isAfter(now);
            }
        }
        for (Instant start : admitted) {
            long inWindow = admitted.stream().filter(a -> !a.isBefore(start) && a.isBefore(start.plus(PER))).count();
            assertThat(inWindow).isLessThanOrEqualTo(3);
        }
        assertThat(admitted).hasSizeBetween(29, 31);
    }
}
