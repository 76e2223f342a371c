package io.polysync.worker.execution;

import io.polysync.model.run.Band;
import org.junit.jupiter.api.Test;

import java.util.EnumMap;
import java.util.Map;
import java.util.Random;
import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class BandSelectorTest {

    @Test
    void takesTheHighBandFirstWhenTheDrawIsOutsideTheLowerShares() {
        BandSelector selector = new BandSelector(0.1, () -> 0.5);

        assertThat(selector.choose(Set.of(Band.HIGH, Band.NORMAL, Band.LOW))).contains(Band.HIGH);
        assertThat(selector.choose(Set.of(Band.NORMAL, Band.LOW))).contains(Band.NORMAL);
    }

    @Test
    void givesEachLowerBandItsOwnSliceOfTheDraws() {
        assertThat(new BandSelector(0.1, () -> 0.05).choose(Set.of(Band.HIGH, Band.NORMAL, Band.LOW)))
                .contains(Band.NORMAL);
        assertThat(new BandSelector(0.1, () -> 0.15).choose(Set.of(Band.HIGH, Band.NORMAL, Band.LOW)))
                .contains(Band.LOW);
        assertThat(new BandSelector(0.1, () -> 0.2).choose(Set.of(Band.HIGH, Band.NORMAL, Band.LOW)))
                .contains(Band.HIGH);
        assertThat(new BandSelector(0.1, () -> 0.05).choose(Set.of(Band.HIGH, Band.LOW))).contains(Band.LOW);
    }

    @Test
    void skipsIdleBandsAndDoesNotDrawForASingleCandidate() {
        BandSelector selector = new BandSelector(0.1, () -> {
            throw new AssertionError("no draw needed");
        });

        assertThat(selector.choose(Set.of(Band.LOW))).contains(Band.LOW);
        assertThat(selector.choose(Set.of(Band.NORMAL))).contains(Band.NORMAL);
        assertThat(selector.choose(Set.of())).isEmpty();
    }

    @Test
    void honoursTheShareOfTheLowBandUnderAHighBacklog() {
        Random random = new Random(42);
        BandSelector selector = new BandSelector(0.1, random::nextDouble);
        Map<Band, Integer> taken = new EnumMap<>(Band.class);

        for (int i = 0; i < 20_000; i++) {
            selector.choose(Set.of(Band.HIGH, Band.LOW)).ifPresent(band -> taken.merge(band, 1, Integer::sum));
        }

        assertThat(taken.get(Band.LOW) / 20_000.0).isBetween(0.09, 0.11);
        assertThat(taken.get(Band.HIGH) / 20_000.0).isBetween(0.89, 0.91);
    }

    @Test
    void neverTakesALowerBandWithAZeroShare() {
        Random random = new Random(7);
        BandSelector selector = new BandSelector(0, random::nextDouble);

        for (int i = 0; i < 1_000; i++) {
            assertThat(selector.choose(Set.of(Band.HIGH, Band.NORMAL, Band.LOW))).contains(Band.HIGH);
        }
    }

    @Test
    void refusesAShareThatLeavesTheHighBandNothing() {
        assertThatThrownBy(() -> new BandSelector(0.6, Math::random)).isInstanceOf(IllegalArgumentException.class);
    }
}
