package io.polysync.task.definition;

import org.springframework.data.domain.Page;
import org.springframework.data.domain.Pageable;
import org.springframework.data.jpa.repository.EntityGraph;
import org.springframework.data.jpa.repository.JpaRepository;
import org.springframework.data.jpa.repository.Query;

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

    /** The tasks that depend on {@code parent}. */
    @Query("SELECT DISTINCT d.task FROM TaskDependency d WHERE d.parent = ?1")
    List<Task> findDependents(Task parent);

    @EntityGraph(attributePaths = {"job", "job.platform"})
    List<Task> findByJobId(UUID jobId);

    @EntityGraph(attributePaths = {"job", "job.platform"})
    List<Task> findByJobPlatformId(UUID platformId);

    /** The tasks linked to the contention profile named {@code profileName}. */
    @Query("SELECT DISTINCT t FROM Task t JOIN t.contentionProfiles p WHERE p = ?1")
    List<Task> findByContentionProfile(String profileName);
}
