package io.polysync.dispatcher.ledger;

import jakarta.persistence.LockModeType;
import org.springframework.data.jpa.repository.JpaRepository;
import org.springframework.data.jpa.repository.Lock;
import org.springframework.data.jpa.repository.Query;
import org.springframework.data.repository.query.Param;

import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.UUID;

public interface TaskRunRepository extends JpaRepository<TaskRun, UUID> {

    /**
     * The run, locked until the end of the transaction, so two writers (a worker report and, later, a lease reaper
     * or a cancel) apply their transitions one after the other instead of each deciding on a stale state.
     */
    @Lock(LockModeType.PESSIMISTIC_WRITE)
    @Query("select r from TaskRun r where r.runId = :runId")
    Optional<TaskRun> findForUpdate(@Param("runId") UUID runId);

    /**
     * The run, locked, if no other transaction holds it; empty when it is locked elsewhere or unknown. Timers use it,
     * so replicas working through the same runs skip each other's instead of queueing up.
     */
    @Query(value = "SELECT * FROM task_run WHERE run_id = :runId FOR UPDATE SKIP LOCKED", nativeQuery = true)
    Optional<TaskRun> findForUpdateSkipLocked(@Param("runId") UUID runId);

    /**
     * Runs admitted but not started before {@code startedBefore}, and running ones silent since {@code heartbeatBefore}.
     * The states are literals so that PostgreSQL can read the partial indexes of live runs (V6) with any plan.
     */
    @Query(value = "SELECT run_id FROM task_run WHERE (state = 'QUEUED' AND admitted_at < :startedBefore)"
            + " OR (state = 'RUNNING' AND last_heartbeat_at < :heartbeatBefore)", nativeQuery = true)
    List<UUID> findExpiredLeases(@Param("startedBefore") Instant startedBefore,
                                 @Param("heartbeatBefore") Instant heartbeatBefore);
}
