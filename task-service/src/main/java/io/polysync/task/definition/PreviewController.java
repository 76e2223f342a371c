package io.polysync.task.definition;

import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RestController;

import java.time.Clock;

/** Previews of definitions not saved yet (DESIGN.md section 10 rule 15); the saved forms are on {@link TaskController}. */
@RestController
public class PreviewController {

    private final Clock clock;

    public PreviewController(Clock clock) {
        this.clock = clock;
    }

    /** The next {@code count} (1-100, default 10) fire instants of all schedules together, from now, ascending. */
    @PostMapping("/api/v1/schedule-preview")
    Previews.ScheduleAnswer schedulePreview(@RequestBody Previews.ScheduleRequest request) {
        return Previews.schedules(request, clock.instant());
    }

    /** The delay before each retry the policy allows; with jitter, the un-jittered delay and the spread's bounds. */
    @PostMapping("/api/v1/retry-preview")
    Previews.RetryAnswer retryPreview(@RequestBody Previews.RetryRequest request) {
        return Previews.retry(request);
    }
}
