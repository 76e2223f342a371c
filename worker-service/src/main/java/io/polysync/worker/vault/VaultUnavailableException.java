package io.polysync.worker.vault;

/** A secret's value could not be read now; a later attempt may succeed. The message never holds a value. */
public class VaultUnavailableException extends RuntimeException {

    public VaultUnavailableException(String message) {
        super(message);
    }
}
