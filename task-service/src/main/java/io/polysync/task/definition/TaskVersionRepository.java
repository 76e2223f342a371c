package io.polysync.task.definition;

import org.springframework.data.domain.Page;
import org.springframework.data.domain.Pageable;
import org.springframework.data.jpa.repository.JpaRepository;

import java.util.UUID;

public interface TaskVersionRepository extends JpaRepository<TaskVersion, TaskVersion.Key> {

    Page<TaskVersion> findByKeyTaskId(UUID taskId, Pageable pageable);
}
