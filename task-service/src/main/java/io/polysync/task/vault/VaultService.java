package io.polysync.task.vault;

import io.polysync.model.Json;
import io.polysync.model.param.VaultReference;
import io.polysync.task.api.ConflictException;
import io.polysync.task.api.ImmutableName;
import io.polysync.task.api.InUseException;
import io.polysync.task.api.NotFoundException;
import io.polysync.task.validation.InvalidRequestException;
import org.springframework.data.domain.Page;
import org.springframework.data.domain.Pageable;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.stereotype.Service;
import org.springframework.transaction.annotation.Transactional;

import java.time.Clock;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.UUID;

/**
 * Vaults and the values of builtin secrets. Values go in through {@link #putSecret} and out only through
 * {@link #resolve}, which serves the workers' internal endpoint; nothing here logs or returns a value otherwise.
 */
@Service
public class VaultService {

    /** Where vault references may be stored: table, name column, JSON column, and the kind the 409 names. */
    private static final List<String[]> REFERRING_COLUMNS = List.of(
            new String[] {"platform", "config", "platforms"},
            new String[] {"job", "defaults", "jobs"},
            new String[] {"task", "parameters", "tasks"});

    private final VaultRepository vaults;
    private final VaultSecretRepository secrets;
    private final SecretCipher cipher;
    private final SecretSource source;
    private final JdbcTemplate jdbc;
    private final Clock clock;

    public VaultService(VaultRepository vaults, VaultSecretRepository secrets, SecretCipher cipher,
                        SecretSource source, JdbcTemplate jdbc, Clock clock) {
        this.vaults = vaults;
        this.secrets = secrets;
        this.cipher = cipher;
        this.source = source;
        this.jdbc = jdbc;
        this.clock = clock;
    }

    @Transactional
    public VaultView create(VaultRequest request) {
        VaultValidator.ValidVault valid = VaultValidator.validate(request);
        if (vaults.existsByName(valid.name())) {
            throw new ConflictException("name", "a vault named '" + valid.name() + "' already exists");
        }
        return VaultView.of(vaults.saveAndFlush(new Vault(UUID.randomUUID(), valid.name(), valid.kind(),
                valid.config(), clock.instant())));
    }

    @Transactional(readOnly = true)
    public VaultView get(String name) {
        return VaultView.of(find(name));
    }

    @Transactional(readOnly = true)
    public Page<VaultView> list(String nameFilter, Pageable pageable) {
        return vaults.findByNameContaining(nameFilter == null ? "" : nameFilter, pageable).map(VaultView::of);
    }

    /** Replaces the config; the kind cannot change, since builtin secrets would be orphaned or appear. */
    @Transactional
    public VaultView update(String name, VaultRequest request) {
        Vault vault = find(name);
        String fixedName = ImmutableName.of(name, request.name());
        VaultValidator.ValidVault valid = VaultValidator.validate(
                new VaultRequest(fixedName, request.kind(), request.config()));
        if (valid.kind() != vault.kind()) {
            throw new InvalidRequestException("kind", "cannot change (the vault is " + vault.kind().wire()
                    + "); create a new vault instead");
        }
        vault.reconfigure(valid.config(), clock.instant());
        return VaultView.of(vaults.saveAndFlush(vault));
    }

    /** @throws InUseException when a platform, job or task refers to the vault */
    @Transactional
    public void delete(String name) {
        Vault vault = find(name);
        Map<String, List<String>> referrers = referrers(name);
        if (!referrers.isEmpty()) {
            throw new InUseException("vault '" + name + "'", referrers);
        }
        vaults.delete(vault);
        vaults.flush();
    }

    @Transactional
    public void putSecret(String vaultName, String secretName, SecretRequest request) {
        Vault vault = builtin(vaultName);
        VaultValidator.validateSecret(secretName, request);
        String sealed = cipher.encrypt(vault.name(), secretName, request.value());
        Instant now = clock.instant();
        VaultSecret.Key key = new VaultSecret.Key(vault.id(), secretName);
        Optional<VaultSecret> existing = secrets.findById(key);
        if (existing.isPresent()) {
            existing.get().replace(sealed, now);
        } else {
            secrets.save(new VaultSecret(vault.id(), secretName, sealed, now));
        }
        secrets.flush();
    }

    @Transactional(readOnly = true)
    public Page<SecretView> listSecrets(String vaultName, Pageable pageable) {
        Vault vault = builtin(vaultName);
        return secrets.findByKeyVaultId(vault.id(), pageable).map(s -> new SecretView(s.name(), s.updatedAt()));
    }

    @Transactional
    public void deleteSecret(String vaultName, String secretName) {
        Vault vault = builtin(vaultName);
        VaultSecret.Key key = new VaultSecret.Key(vault.id(), secretName);
        if (!secrets.existsById(key)) {
            throw noSecret(vaultName, secretName);
        }
        secrets.deleteById(key);
    }

    /**
     * The value of a secret of any kind of vault, for a worker about to run a job.
     *
     * @throws NotFoundException          when the vault or the secret does not exist
     * @throws SecretUnavailableException when the value exists but cannot be read
     */
    @Transactional(readOnly = true)
    public String resolve(String vaultName, String secretName) {
        Vault vault = find(vaultName);
        if (!VaultReferences.SECRET_NAME.matcher(secretName).matches()) {
            throw noSecret(vaultName, secretName);
        }
        if (vault.kind() != VaultKind.BUILTIN) {
            return source.read(vault, secretName).orElseThrow(() -> noSecret(vaultName, secretName));
        }
        VaultSecret secret = secrets.findById(new VaultSecret.Key(vault.id(), secretName))
                .orElseThrow(() -> noSecret(vaultName, secretName));
        return cipher.decrypt(vault.name(), secretName, secret.ciphertext());
    }

    /**
     * Referrers by kind. The LIKE only narrows the rows (a '_' in the name matches any character there); each
     * candidate is then checked for a real reference.
     */
    private Map<String, List<String>> referrers(String vault) {
        String pattern = "%" + VaultReference.SCHEME + vault + "/%";
        Map<String, List<String>> found = new LinkedHashMap<>();
        for (String[] column : REFERRING_COLUMNS) {
            List<String> names = jdbc.query("SELECT name, " + column[1] + " FROM " + column[0] + " WHERE "
                            + column[1] + " LIKE ? ORDER BY name",
                    (rs, i) -> VaultReferences.references(Json.decode(rs.getString(2), Object.class), vault)
                            ? rs.getString(1) : null,
                    pattern).stream().filter(Objects::nonNull).toList();
            if (!names.isEmpty()) {
                found.put(column[2], names);
            }
        }
        return found;
    }

    private Vault find(String name) {
        return vaults.findByName(name)
                .orElseThrow(() -> new NotFoundException("vault", "no vault named '" + name + "'"));
    }

    private Vault builtin(String name) {
        Vault vault = find(name);
        if (vault.kind() != VaultKind.BUILTIN) {
            throw new ConflictException("vault", "vault '" + name + "' is of kind " + vault.kind().wire()
                    + ": its secrets are managed where they live ("
                    + (vault.kind() == VaultKind.ENV ? "the task-service's environment" : "its directory")
                    + "), not through the API");
        }
        return vault;
    }

    private static NotFoundException noSecret(String vault, String secret) {
        return new NotFoundException("name", "vault '" + vault + "' has no secret named '" + secret + "'");
    }
}
