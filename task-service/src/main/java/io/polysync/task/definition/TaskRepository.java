package io.polysync.task.definition;

import org.springframework.data.domain.Page;
import org.springframework.data.domain.Pageable;
import org.springframework.data.jpa.repository.EntityGraph;
import org.springframework.data.jpa.repository.JpaRepository;

import java.util.Collection;
import java.util.List;
import java.util.Optional;
import java.util.UUID;

public interface TaskRepository extends JpaRepository<Task, UUID> {

    @EntityGraph(attributePaths = {"job", "job.platform"})
    Optional<Task> findByName(String name);

    @EntityGraph(attributePaths = {"job"})
    List<Task> findByNameIn(Collection<String> names);

    boolean existsByName(String name);

    @EntityGraph(attributePaths = {"job", "job.platform"})
    Page<Task> findByNameContaining(String name, Pageable pageable);
}
