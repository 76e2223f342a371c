package io.polysync.worker.vault;

import io.polysync.model.param.VaultReference;

/** The referenced vault or secret does not exist. The message names the reference, never a value. */
public class SecretNotFoundException extends RuntimeException {

    public SecretNotFoundException(VaultReference reference) {
        super("vault reference " + reference + " does not resolve: no such vault or secret");
    }
}
