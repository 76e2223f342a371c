package io.polysync.task.vault;

import org.springframework.data.domain.Page;
import org.springframework.data.domain.Pageable;
import org.springframework.data.jpa.repository.JpaRepository;

import java.util.UUID;

public interface VaultSecretRepository extends JpaRepository<VaultSecret, VaultSecret.Key> {

    Page<VaultSecret> findByKeyVaultId(UUID vaultId, Pageable pageable);
}
