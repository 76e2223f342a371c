package io.polysync.task.ui.run;

import io.polysync.model.Json;
import io.polysync.model.run.RunState;
import org.springframework.stereotype.Component;

import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;

/**
 * How the runs pages write times, states and values; referenced from templates as {@code @runDisplay}. Times are
 * UTC, as runs.js writes them when a row changes live, so a row reads the same before and after.
 */
@Component("runDisplay")
public class RunDisplay {

    private static final DateTimeFormatter TIME = DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss")
            .withZone(ZoneOffset.UTC);

    public String time(Instant instant) {
        return instant == null ? "" : TIME.format(instant);
    }

    /** The Bootstrap badge colour of a state; runs.js keeps the same table. */
    public String badge(RunState state) {
        if (state == null) {
            return "text-bg-secondary";
        }
        return switch (state) {
            case QUEUED -> "text-bg-secondary";
            case RUNNING -> "text-bg-primary";
            case SUCCEEDED -> "text-bg-success";
            case FAILED -> "text-bg-danger";
            case CANCELLED -> "text-bg-warning";
        };
    }

    /** How long the run ran, or has been running so far; empty before it started. */
    public String duration(Instant startedAt, Instant finishedAt) {
        if (startedAt == null) {
            return "";
        }
        Duration d = Duration.between(startedAt, finishedAt != null ? finishedAt : Instant.now());
        if (d.isNegative()) {
            return "";
        }
        if (d.toMinutes() == 0) {
            return String.format("%.1f s", d.toMillis() / 1000.0);
        }
        if (d.toHours() == 0) {
            return d.toMinutes() + " min " + d.toSecondsPart() + " s";
        }
        return d.toHours() + " h " + d.toMinutesPart() + " min";
    }

    /** A value as text: strings as they are, anything else as JSON. */
    public String value(Object value) {
        if (value == null) {
            return "null";
        }
        return value instanceof String text ? text : Json.encode(value);
    }

    public String shortId(Object id) {
        String text = String.valueOf(id);
        return text.length() > 8 ? text.substring(0, 8) : text;
    }
}
