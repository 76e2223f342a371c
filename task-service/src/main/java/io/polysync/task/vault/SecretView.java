package io.polysync.task.vault;

import java.time.Instant;

/** A secret as the API lists it: its name and when it was last set. The value is write-only. */
public record SecretView(String name, Instant updatedAt) {
}
