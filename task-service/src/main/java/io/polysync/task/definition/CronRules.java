package io.polysync.task.definition;

import org.springframework.scheduling.support.CronExpression;

import java.util.Locale;
import java.util.Optional;
import java.util.Set;

/**
 * Whether a cron expression is one Polysync schedules (DESIGN.md section 10 rule 18): five fields, six with seconds
 * first, or a macro. The scheduler computes fire times; this only refuses what it could never run.
 */
final class CronRules {

    private static final Set<String> MACROS =
            Set.of("@yearly", "@annually", "@monthly", "@weekly", "@daily", "@midnight", "@hourly");

    private CronRules() {
    }

    /** Why the expression is not acceptable, or empty when it is. */
    static Optional<String> problem(String cron) {
        String trimmed = cron.trim();
        if (trimmed.startsWith("@")) {
            return MACROS.contains(trimmed.toLowerCase(Locale.ROOT)) ? Optional.empty()
                    : Optional.of("is not a known macro; use one of " + MACROS.stream().sorted().toList());
        }
        String[] fields = trimmed.split("\\s+");
        if (fields.length != 5 && fields.length != 6) {
            return Optional.of("must have 5 fields (minute hour day-of-month month day-of-week), or 6 with seconds"
                    + " first; found " + fields.length);
        }
        String sixFields = fields.length == 5 ? "0 " + trimmed : trimmed;
        try {
            CronExpression.parse(sixFields);
            return Optional.empty();
        } catch (IllegalArgumentException e) {
            return Optional.of("is not a valid cron expression: " + e.getMessage());
        }
    }
}
