package io.polysync.task.run;

import io.polysync.model.run.RunState;
import org.springframework.data.jpa.repository.JpaRepository;

import java.util.List;
import java.util.Optional;
import java.util.UUID;

public interface RunHistoryRepository extends JpaRepository<RunHistoryEntry, Long> {

    /**
     * Oldest first, by when each happened: a transition whose event arrived after a later one was numbered after it.
     * Entries of one instant keep the order they were applied in.
     */
    List<RunHistoryEntry> findByRunIdOrderByAtAscIdAsc(UUID runId);

    boolean existsByRunIdAndState(UUID runId, RunState state);

    /** The run's newest entry of {@code kind}. */
    Optional<RunHistoryEntry> findFirstByRunIdAndKindOrderByIdDesc(UUID runId, HistoryKind kind);
}
