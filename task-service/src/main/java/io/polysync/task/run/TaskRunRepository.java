package io.polysync.task.run;

import org.springframework.data.jpa.repository.JpaRepository;
import org.springframework.data.jpa.repository.JpaSpecificationExecutor;

import java.util.UUID;

public interface TaskRunRepository extends JpaRepository<TaskRun, UUID>, JpaSpecificationExecutor<TaskRun> {
}
