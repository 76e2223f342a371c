package io.polysync.task.ui.task;

import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.Locale;

/** How the task pages write instants: to the second, with the zone named, so nothing depends on the browser. */
final class Times {

    private static final DateTimeFormatter FORMAT = DateTimeFormatter.ofPattern("EEE yyyy-MM-dd HH:mm:ss", Locale.ROOT);

    private Times() {
    }

    static String utc(Instant instant) {
        return FORMAT.format(instant.atOffset(ZoneOffset.UTC)) + " UTC";
    }

    static String in(Instant instant, ZoneId zone) {
        return FORMAT.format(instant.atZone(zone)) + " " + zone.getId();
    }
}
