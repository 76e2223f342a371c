package io.polysync.task.profile;

import org.springframework.data.domain.Page;
import org.springframework.data.domain.Pageable;
import org.springframework.data.jpa.repository.JpaRepository;
import org.springframework.data.jpa.repository.Query;

import java.util.Collection;
import java.util.List;
import java.util.Optional;
import java.util.UUID;

public interface ContentionProfileRepository extends JpaRepository<ContentionProfile, UUID> {

    Optional<ContentionProfile> findByName(String name);

    boolean existsByName(String name);

    List<ContentionProfile> findByNameIn(Collection<String> names);

    Page<ContentionProfile> findByNameContaining(String name, Pageable pageable);

    /** The names of the tasks that use the profile, sorted. */
    @Query(value = "SELECT DISTINCT t.name FROM task t JOIN task_contention_profile p ON p.task_id = t.id"
            + " WHERE p.profile_name = ?1 ORDER BY t.name", nativeQuery = true)
    List<String> taskNamesUsing(String profileName);
}
