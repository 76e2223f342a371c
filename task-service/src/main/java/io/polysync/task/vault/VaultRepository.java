package io.polysync.task.vault;

import org.springframework.data.domain.Page;
import org.springframework.data.domain.Pageable;
import org.springframework.data.jpa.repository.JpaRepository;

import java.util.Optional;
import java.util.UUID;

public interface VaultRepository extends JpaRepository<Vault, UUID> {

    Optional<Vault> findByName(String name);

    boolean existsByName(String name);

    Page<Vault> findByNameContaining(String name, Pageable pageable);
}
