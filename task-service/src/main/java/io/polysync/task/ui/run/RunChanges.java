package io.polysync.task.ui.run;

import io.polysync.task.run.TaskRun;
import org.springframework.data.domain.Pageable;
import org.springframework.data.jpa.repository.Query;
import org.springframework.data.repository.Repository;
import org.springframework.data.repository.query.Param;

import java.time.Instant;
import java.util.List;
import java.util.UUID;

/** Runs changed since a point in time, oldest change first: range probes of {@code task_run_by_updated_at}. */
public interface RunChanges extends Repository<TaskRun, UUID> {

    String SELECT = "select new io.polysync.task.ui.run.RunChange(r.runId, r.taskId, r.taskName, r.state,"
            + " r.triggerType, r.attempt, r.queuedAt, r.startedAt, r.finishedAt, r.updatedAt, r.rowVersion)"
            + " from TaskRun r ";
    String ORDER = " order by r.updatedAt asc, r.runId asc";

    /** Changes stamped after {@code since}. */
    @Query(SELECT + "where r.updatedAt > :since" + ORDER)
    List<RunChange> after(@Param("since") Instant since, Pageable page);

    /** Changes after the change ({@code at}, {@code runId}) in the order of {@link #after}: the next page of it. */
    @Query(SELECT + "where r.updatedAt > :at or (r.updatedAt = :at and r.runId > :runId)" + ORDER)
    List<RunChange> afterKey(@Param("at") Instant at, @Param("runId") UUID runId, Pageable page);
}
