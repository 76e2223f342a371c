package io.polysync.scheduler.tasks;

import org.springframework.data.jpa.repository.JpaRepository;

import java.util.UUID;

public interface TaskViewRepository extends JpaRepository<TaskView, UUID> {
}
