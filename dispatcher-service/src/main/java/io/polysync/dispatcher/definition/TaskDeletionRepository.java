package io.polysync.dispatcher.definition;

import org.springframework.data.jpa.repository.JpaRepository;

import java.util.UUID;

public interface TaskDeletionRepository extends JpaRepository<TaskDeletion, UUID> {
}
