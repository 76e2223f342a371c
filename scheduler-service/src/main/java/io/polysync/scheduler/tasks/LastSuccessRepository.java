package io.polysync.scheduler.tasks;

import org.springframework.data.jpa.repository.JpaRepository;

import java.util.UUID;

public interface LastSuccessRepository extends JpaRepository<LastSuccess, UUID> {
}
