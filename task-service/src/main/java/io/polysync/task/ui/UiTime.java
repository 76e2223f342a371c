package io.polysync.task.ui;

import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;

/**
 * Instants as pages show them (model attribute {@code time}: {@code ${time.format(run.createdAt())}}), in UTC like
 * the API, so the same moment reads the same in the UI, the logs and the API.
 */
public final class UiTime {

    private static final DateTimeFormatter FORMAT = DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss 'UTC'")
            .withZone(ZoneOffset.UTC);

    /** {@code 2026-11-28 17:45:10 UTC}; an empty string for null. */
    public String format(Instant instant) {
        return instant == null ? "" : FORMAT.format(instant);
    }
}
