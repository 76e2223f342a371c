package io.polysync.dispatcher.definition;

import java.util.UUID;

/**
 * A trigger names a definition version this dispatcher has not received yet. Transient by nature: the definitions
 * listener catches up meanwhile, so the trigger is retried with backoff rather than dead-lettered.
 */
public class DefinitionNotYetKnownException extends RuntimeException {

    public DefinitionNotYetKnownException(UUID taskId, long version) {
        super("definition version " + version + " of task " + taskId + " has not arrived yet");
    }
}
