package io.polysync.task.job;

import org.springframework.data.domain.Page;
import org.springframework.data.domain.Pageable;
import org.springframework.data.jpa.repository.EntityGraph;
import org.springframework.data.jpa.repository.JpaRepository;
import org.springframework.data.jpa.repository.Query;

import java.util.List;
import java.util.Optional;
import java.util.UUID;

public interface JobRepository extends JpaRepository<Job, UUID> {

    @EntityGraph(attributePaths = "platform")
    Optional<Job> findByName(String name);

    boolean existsByName(String name);

    @EntityGraph(attributePaths = "platform")
    Page<Job> findByNameContaining(String name, Pageable pageable);

    /** The names of the tasks that use the job, sorted. */
    @Query(value = "SELECT name FROM task WHERE job_id = ?1 ORDER BY name", nativeQuery = true)
    List<String> taskNamesUsing(UUID jobId);
}
