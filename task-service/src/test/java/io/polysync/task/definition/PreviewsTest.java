package io.polysync.task.definition;

import io.polysync.model.task.Backoff;
import io.polysync.model.task.RetryPolicy;
import io.polysync.task.validation.FieldError;
import io.polysync.task.validation.InvalidRequestException;
import org.junit.jupiter.api.Test;

import java.time.Instant;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

class PreviewsTest {

    private static final Instant NOW = Instant.parse("2025-03-29T12:00:00Z");

    @Test
    void mergesTheFiresOfAllSchedulesInOrder() {
        Previews.ScheduleAnswer answer = Previews.schedules(new Previews.ScheduleRequest(List.of(
                new TaskRequest.Schedule("0 2 * * *", "Europe/Berlin"),
                new TaskRequest.Schedule("30 1 * * *", "UTC")), 4), NOW);

        // Berlin changes to summer time on 30 March: 02:00 local does not exist and fires at the transition.
        assertThat(answer.fireTimes()).containsExactly(Instant.parse("2025-03-30T01:00:00Z"),
                Instant.parse("2025-03-30T01:30:00Z"), Instant.parse("2025-03-31T00:00:00Z"),
                Instant.parse("2025-03-31T01:30:00Z"));
    }

    @Test
    void defaultsToTenFiresAndDefaultsTheZoneToUtc() {
        Previews.ScheduleAnswer answer = Previews.schedules(new Previews.ScheduleRequest(List.of(
                new TaskRequest.Schedule("*/5 * * * *", null)), null), NOW);

        assertThat(answer.fireTimes()).hasSize(10).first().isEqualTo(Instant.parse("2025-03-29T12:05:00Z"));
    }

    @Test
    void namesEachBadField() {
        InvalidRequestException e = catchThrowableOfType(InvalidRequestException.class,
                () -> Previews.schedules(new Previews.ScheduleRequest(List.of(
                        new TaskRequest.Schedule("61 * * * *", "UTC"),
                        new TaskRequest.Schedule("0 * * * *", "Mars/Base")), 101), NOW));

        assertThat(e.errors()).extracting(FieldError::field).containsExactlyInAnyOrder("count",
                "schedules[0].cron", "schedules[1].timeZone");
        assertThat(catchThrowableOfType(InvalidRequestException.class,
                () -> Previews.schedules(new Previews.ScheduleRequest(List.of(), 5), NOW)).errors())
                .extracting(FieldError::field).containsExactly("schedules");
    }

    @Test
    void listsTheDelayBeforeEachRetryCappedByTheMaximum() {
        Previews.RetryAnswer answer = Previews.retry(new RetryPolicy(true, 5, Backoff.EXPONENTIAL, 10, 60L, false));

        assertThat(answer.delays()).extracting(Previews.Delay::delaySeconds).containsExactly(10L, 20L, 40L, 60L, 60L);
        assertThat(answer.delays()).extracting(Previews.Delay::retry).containsExactly(1, 2, 3, 4, 5);
        assertThat(answer.jitter()).isFalse();
        assertThat(answer.delays().get(0).minDelaySeconds()).isNull();
    }

    @Test
    void showsTheUnjitteredDelayAndTheSpreadsBoundsWithJitter() {
        Previews.RetryAnswer answer = Previews.retry(new RetryPolicy(true, 2, Backoff.LINEAR, 10, null, true));

        assertThat(answer.jitter()).isTrue();
        assertThat(answer.delays()).containsExactly(new Previews.Delay(1, 10, 5.0, 10.0),
                new Previews.Delay(2, 20, 10.0, 20.0));
    }

    @Test
    void listsNoDelaysWhenRetryIsOffAndRejectsBadRetryFields() {
        assertThat(Previews.retry(RetryPolicy.NONE).delays()).isEmpty();
        InvalidRequestException e = catchThrowableOfType(InvalidRequestException.class,
                () -> Previews.retry(new Previews.RetryRequest(new TaskRequest.Retry(true, -1, Backoff.FIXED, 10L,
                        5L, false))));
        assertThat(e.errors()).extracting(FieldError::field).containsExactly("retry.maxRetryAttempts",
                "retry.maxDelaySeconds");
        assertThat(catchThrowableOfType(InvalidRequestException.class,
                () -> Previews.retry(new Previews.RetryRequest(null))).errors())
                .extracting(FieldError::field).containsExactly("retry");
    }
}
