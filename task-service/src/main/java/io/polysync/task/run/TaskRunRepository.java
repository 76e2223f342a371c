package io.polysync.task.run;

import io.polysync.model.run.RunState;
import org.springframework.data.jpa.repository.JpaRepository;
import org.springframework.data.jpa.repository.JpaSpecificationExecutor;

import java.util.Optional;
import java.util.UUID;

public interface TaskRunRepository extends JpaRepository<TaskRun, UUID>, JpaSpecificationExecutor<TaskRun> {

    /** The task's newest finished run in {@code state}; for SUCCEEDED, the run whose outputs children map. */
    Optional<TaskRun> findFirstByTaskIdAndStateAndFinishedAtNotNullOrderByFinishedAtDesc(UUID taskId, RunState state);
}
