package io.polysync.dispatcher.definition;

import java.util.UUID;

/**
 * A trigger for a task that was deleted before this dispatcher saw the definition the trigger needs. No retry can
 * ever apply it, so it is an {@link IllegalArgumentException}: the shared error handler dead-letters those at once.
 */
public class UnknownTaskException extends IllegalArgumentException {

    public UnknownTaskException(UUID taskId, long version) {
        super("task " + taskId + " is deleted and its definition version " + version + " was never received");
    }
}
