package io.polysync.task.definition;

import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

class DependencyCyclesTest {

    /** Each task's upstream tasks: a diamond d → (b, c) → a, plus e → d. */
    private static final Map<String, List<String>> PARENTS = Map.of("a", List.of(), "b", List.of("a"),
            "c", List.of("a"), "d", List.of("b", "c"), "e", List.of("d"));

    @Test
    void findsTheCycleANewDependencyWouldCloseAsAPathBackToItself() {
        assertThat(DependencyCycles.closedBy("a", "e", n -> PARENTS.getOrDefault(n, List.of())))
                .hasValueSatisfying(cycle -> assertThat(DependencyCycles.describe(cycle))
                        .isEqualTo("a → e → d → b → a"));
    }

    @Test
    void acceptsDiamondsAndNewEdgesThatCloseNothing() {
        assertThat(DependencyCycles.closedBy("e", "a", n -> PARENTS.getOrDefault(n, List.of()))).isEmpty();
        assertThat(DependencyCycles.closedBy("x", "d", n -> PARENTS.getOrDefault(n, List.of()))).isEmpty();
    }
}
