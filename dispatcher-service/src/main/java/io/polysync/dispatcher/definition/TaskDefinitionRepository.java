package io.polysync.dispatcher.definition;

import org.springframework.data.jpa.repository.JpaRepository;

import java.util.Optional;
import java.util.UUID;

public interface TaskDefinitionRepository extends JpaRepository<TaskDefinition, TaskDefinition.Key> {

    Optional<TaskDefinition> findFirstByTaskIdOrderByDefinitionVersionDesc(UUID taskId);
}
