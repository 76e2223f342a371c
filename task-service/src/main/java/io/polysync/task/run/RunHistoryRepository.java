package io.polysync.task.run;

import io.polysync.model.run.RunState;
import org.springframework.data.jpa.repository.JpaRepository;

import java.util.List;
import java.util.Optional;
import java.util.UUID;

public interface RunHistoryRepository extends JpaRepository<RunHistoryEntry, Long> {

    /** Oldest first: entries are numbered in the order the transitions were applied. */
    List<RunHistoryEntry> findByRunIdOrderByIdAsc(UUID runId);

    boolean existsByRunIdAndState(UUID runId, RunState state);

    /** The run's newest entry of {@code kind}. */
    Optional<RunHistoryEntry> findFirstByRunIdAndKindOrderByIdDesc(UUID runId, HistoryKind kind);
}
