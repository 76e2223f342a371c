package io.polysync.task.definition;

import org.springframework.data.jpa.repository.JpaRepository;

import java.util.List;
import java.util.UUID;

public interface TaskVersionRepository extends JpaRepository<TaskVersion, TaskVersion.Key> {

    List<TaskVersion> findByKeyTaskIdOrderByKeyVersionAsc(UUID taskId);
}
