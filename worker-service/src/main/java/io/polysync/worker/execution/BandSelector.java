package io.polysync.worker.execution;

import io.polysync.model.run.Band;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.function.DoubleSupplier;

/**
 * Decides which band a worker slot takes its next run from (DESIGN.md section 10 rule 23): the highest band that has
 * work, except that every lower band with work gets at least {@code lowerBandShare} of the decisions, so a steady
 * stream of high-priority runs never starves the others. A high-priority run that arrives behind a low-priority
 * backlog therefore waits only for the runs already executing, not for the backlog.
 *
 * <p>Not thread-safe: each slot keeps its own selector.
 */
public final class BandSelector {

    private final double lowerBandShare;
    private final DoubleSupplier random;

    /**
     * @param lowerBandShare within [0, 0.5]: with three bands the two lower ones may take up to all decisions
     * @param random         uniform values in [0, 1); injected so tests can script the draws
     */
    public BandSelector(double lowerBandShare, DoubleSupplier random) {
        if (lowerBandShare < 0 || lowerBandShare > 0.5) {
            throw new IllegalArgumentException("lowerBandShare must be within [0, 0.5], was " + lowerBandShare);
        }
        this.lowerBandShare = lowerBandShare;
        this.random = random;
    }

    /**
     * The band to take the next run from, or empty when no band has work. One draw decides: each lower band with work
     * owns a slice of {@code lowerBandShare} (the next lower band first), the highest band with work the rest.
     */
    public Optional<Band> choose(Set<Band> bandsWithWork) {
        List<Band> candidates = new ArrayList<>();
        for (Band band : Band.values()) {
            if (bandsWithWork.contains(band)) {
                candidates.add(band);
            }
        }
        if (candidates.size() <= 1) {
            return candidates.stream().findFirst();
        }
        double draw = random.getAsDouble();
        for (int lower = 1; lower < candidates.size(); lower++) {
            if (draw < lower * lowerBandShare) {
                return Optional.of(candidates.get(lower));
            }
        }
        return Optional.of(candidates.get(0));
    }
}
