package io.polysync.worker.vault;

import io.polysync.model.param.VaultReference;

/**
 * Where a worker reads the value of a vault reference. Implementations are thread-safe and never log or put a value
 * into an exception message.
 */
public interface SecretSource {

    /**
     * The current value of the referenced secret.
     *
     * @throws SecretNotFoundException  when the vault or the secret does not exist: retrying cannot help
     * @throws VaultUnavailableException when the value could not be read now (unreachable, refused, failing)
     * @throws InterruptedException      when the thread was interrupted while waiting for the value
     */
    String read(VaultReference reference) throws InterruptedException;
}
