package io.polysync.task.copilot;

import org.junit.jupiter.api.Test;

import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

class CloseNamesTest {

    @Test
    void suggestsNamesWithinThreeEditsOrContainingTheTypedOneClosestFirst() {
        List<String> names = List.of("nightly-report", "nightly-reports-eu", "billing", "weekly-report");

        assertThat(CloseNames.to("nightly-reprot", names)).containsExactly("nightly-report");
        assertThat(CloseNames.to("NIGHTLY", names)).containsExactly("nightly-report", "nightly-reports-eu");
        assertThat(CloseNames.to("payroll", names)).isEmpty();
    }

    @Test
    void distanceCountsInsertionsDeletionsAndSubstitutions() {
        assertThat(CloseNames.distance("kitten", "sitting")).isEqualTo(3);
        assertThat(CloseNames.distance("", "abc")).isEqualTo(3);
        assertThat(CloseNames.distance("same", "same")).isZero();
    }
}
