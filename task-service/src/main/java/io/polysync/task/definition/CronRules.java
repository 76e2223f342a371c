package io.polysync.task.definition;

import io.polysync.model.cron.CronSchedule;

import java.util.Optional;

/**
 * Whether a cron expression is one Polysync schedules (DESIGN.md section 10 rule 18): five fields, six with seconds
 * first, or a macro. It is parsed by the scheduler's own {@link CronSchedule}, so a cron the API accepts is a cron the
 * scheduler fires; the zone is checked separately, per field.
 */
final class CronRules {

    private CronRules() {
    }

    /** Why the expression is not acceptable, or empty when it is. */
    static Optional<String> problem(String cron) {
        try {
            CronSchedule.parse(cron, "UTC");
            return Optional.empty();
        } catch (IllegalArgumentException e) {
            return Optional.of(e.getMessage());
        }
    }
}
