package io.polysync.task.run;

import io.polysync.model.run.RunState;
import org.springframework.data.jpa.repository.JpaRepository;
import org.springframework.data.jpa.repository.Query;
import org.springframework.data.repository.query.Param;

import java.util.Collection;
import java.util.List;
import java.util.Optional;
import java.util.UUID;

public interface RunHistoryRepository extends JpaRepository<RunHistoryEntry, Long> {

    /** Oldest first: entries are numbered in the order the transitions were applied. */
    List<RunHistoryEntry> findByRunIdOrderByIdAsc(UUID runId);

    boolean existsByRunIdAndState(UUID runId, RunState state);

    /** {runId, state} of every TRANSITION entry of the runs: which states each has recorded. */
    @Query("select h.runId, h.state from RunHistoryEntry h where h.runId in :runIds"
            + " and h.kind = io.polysync.task.run.HistoryKind.TRANSITION")
    List<Object[]> transitionsOf(@Param("runIds") Collection<UUID> runIds);

    /**
     * {runId, at} of each run's newest WAITING entry. An entry is only written when it is newer than the run's
     * newest, so the greatest instant is also the newest entry.
     */
    @Query("select h.runId, max(h.at) from RunHistoryEntry h where h.runId in :runIds"
            + " and h.kind = io.polysync.task.run.HistoryKind.WAITING group by h.runId")
    List<Object[]> latestWaitingOf(@Param("runIds") Collection<UUID> runIds);

    /** The run's newest entry of {@code kind}. */
    Optional<RunHistoryEntry> findFirstByRunIdAndKindOrderByIdDesc(UUID runId, HistoryKind kind);
}
