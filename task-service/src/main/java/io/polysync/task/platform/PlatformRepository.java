package io.polysync.task.platform;

import org.springframework.data.domain.Page;
import org.springframework.data.domain.Pageable;
import org.springframework.data.jpa.repository.JpaRepository;

import java.util.Optional;
import java.util.UUID;

public interface PlatformRepository extends JpaRepository<Platform, UUID> {

    Optional<Platform> findByName(String name);

    boolean existsByName(String name);

    Page<Platform> findByNameContaining(String name, Pageable pageable);
}
