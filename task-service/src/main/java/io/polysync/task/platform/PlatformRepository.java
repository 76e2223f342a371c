package io.polysync.task.platform;

import org.springframework.data.domain.Page;
import org.springframework.data.domain.Pageable;
import org.springframework.data.jpa.repository.JpaRepository;
import org.springframework.data.jpa.repository.Query;

import java.util.List;
import java.util.Optional;
import java.util.UUID;

public interface PlatformRepository extends JpaRepository<Platform, UUID> {

    Optional<Platform> findByName(String name);

    boolean existsByName(String name);

    Page<Platform> findByNameContaining(String name, Pageable pageable);

    /** The jobs on the platform as {@code [name, job_type]} rows, sorted by name. */
    @Query(value = "SELECT name, job_type FROM job WHERE platform_id = ?1 ORDER BY name", nativeQuery = true)
    List<Object[]> jobsUsing(UUID platformId);
}
