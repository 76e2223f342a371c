package io.polysync.dispatcher.ledger;

import jakarta.persistence.LockModeType;
import org.springframework.data.jpa.repository.JpaRepository;
import org.springframework.data.jpa.repository.Lock;
import org.springframework.data.jpa.repository.Query;
import org.springframework.data.repository.query.Param;

import java.util.Optional;
import java.util.UUID;

public interface TaskRunRepository extends JpaRepository<TaskRun, UUID> {

    boolean existsByTriggerId(UUID triggerId);

    /**
     * The run, locked until the end of the transaction, so two writers (a worker report and, later, a lease reaper
     * or a cancel) apply their transitions one after the other instead of each deciding on a stale state.
     */
    @Lock(LockModeType.PESSIMISTIC_WRITE)
    @Query("select r from TaskRun r where r.runId = :runId")
    Optional<TaskRun> findForUpdate(@Param("runId") UUID runId);
}
