package io.polysync.scheduler.tasks;

import io.polysync.model.event.TaskDefinitionChanged;
import io.polysync.scheduler.support.Tasks;
import org.junit.jupiter.api.Test;

import java.time.Instant;
import java.util.List;
import java.util.UUID;

import static org.assertj.core.api.Assertions.assertThat;

/** A poll folded to one change per task has the effect of its records applied one by one. */
class DefinitionChangeTest {

    private final UUID a = UUID.randomUUID();
    private final UUID b = UUID.randomUUID();

    @Test
    void keepsTheNewestVersionSoAReplayedOlderDefinitionLaterInThePollDoesNotWin() {
        List<DefinitionChange> changes = DefinitionChange.collapse(List.of(
                defined(a, 2, 0), defined(b, 1, 1), defined(a, 1, 0), defined(a, 3, 0), defined(a, 2, 0)));

        assertThat(changes).extracting(DefinitionChange::taskId).containsExactly(a, b);
        assertThat(changes.get(0).definition().definitionVersion()).isEqualTo(3);
        assertThat(changes.get(0).deleted()).isFalse();
        assertThat(changes.get(1).definition().definitionVersion()).isEqualTo(1);
    }

    @Test
    void aTombstoneAfterAnUpdateDeletesAndADefinitionAfterATombstoneRecreates() {
        List<DefinitionChange> changes = DefinitionChange.collapse(List.of(
                defined(a, 4, 0), DefinitionChange.tombstone(a, 0),
                defined(b, 5, 1), DefinitionChange.tombstone(b, 1), defined(b, 1, 1)));

        assertThat(changes.get(0)).isEqualTo(DefinitionChange.tombstone(a, 0));
        // after the tombstone the task starts afresh: version 1 is applied, not compared with the deleted 5
        assertThat(changes.get(1).deleted()).isTrue();
        assertThat(changes.get(1).definition().definitionVersion()).isEqualTo(1);
    }

    private static DefinitionChange defined(UUID taskId, long version, int partition) {
        return DefinitionChange.of(new TaskDefinitionChanged(taskId, "t", version,
                Tasks.task(taskId, version, List.of(), null), Instant.EPOCH), partition);
    }
}
