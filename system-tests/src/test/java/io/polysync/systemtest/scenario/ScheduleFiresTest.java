package io.polysync.systemtest.scenario;

import io.polysync.model.cron.CronSchedule;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/** Scenario 4's fire check on made-up histories, every two seconds, with a 3 s misfire threshold. */
class ScheduleFiresTest {

    private static final CronSchedule EVERY_2S = CronSchedule.parse(SchedulerCrashSystemIT.CRON, "UTC");
    private static final Duration THRESHOLD = Duration.ofSeconds(3);
    private static final Instant T0 = Instant.parse("2026-01-01T00:00:00Z");

    @Test
    void onTimeFiresKeepEveryPromise() {
        List<String> holes = new ArrayList<>();
        assertThat(check(List.of(fire(0, 0.1), fire(2, 2.1), fire(4, 4.1)), 1, holes)).isEmpty();
        assertThat(holes).isEmpty();
    }

    @Test
    void fireOnceFiresTheLatestMissedInstantAfterAGap() {
        // taken over at 20.3: instants before 17.3 were missed; FIRE_ONCE fires 16 (the latest), then 18 and 20
        List<String> holes = new ArrayList<>();
        assertThat(check(gapThen(16, 18, 20), 1, holes)).isEmpty();
        assertThat(holes).hasSize(1);
        assertThat(ScheduleFires.lateBy(gapThen(16, 18, 20), THRESHOLD)).isEqualTo(1);
        assertThat(check(gapThen(14, 16, 18, 20), 1, new ArrayList<>())).as("two missed instants fired")
                .anyMatch(v -> v.contains("is a missed instant too"));
        assertThat(check(gapThen(18, 20), 1, new ArrayList<>())).as("no missed instant fired")
                .anyMatch(v -> v.contains("was not a missed instant"));
    }

    @Test
    void skipFiresNoMissedInstantAndCatchUpItsLimit() {
        assertThat(check(gapThen(18, 20), 0, new ArrayList<>())).isEmpty();
        assertThat(check(gapThen(16, 18, 20), 0, new ArrayList<>())).isNotEmpty();
        assertThat(check(gapThen(14, 16, 18, 20), 2, new ArrayList<>())).isEmpty();
        assertThat(check(gapThen(12, 14, 16, 18, 20), 2, new ArrayList<>())).isNotEmpty();
        assertThat(check(gapThen(16, 18, 20), 2, new ArrayList<>())).isNotEmpty();
    }

    @Test
    void earlyTwiceAndOffCronFiresAreViolations() {
        assertThat(check(List.of(fire(0, 0.1), fire(2, 1.9)), 1, new ArrayList<>()))
                .anyMatch(v -> v.contains("fired early"));
        assertThat(check(List.of(fire(0, 0.1), fire(0, 0.2), fire(2, 2.1)), 1, new ArrayList<>()))
                .anyMatch(v -> v.contains("two triggers"));
        assertThat(check(List.of(fire(0, 0.1), fire(1, 1.1), fire(2, 2.1)), 1, new ArrayList<>()))
                .anyMatch(v -> v.contains("is not an instant of"));
    }

    /** Fires at 0, 2 and 4 on time, then the given instants fired together at 20.3 after a takeover. */
    private static List<ScheduleFires.Fire> gapThen(int... seconds) {
        List<ScheduleFires.Fire> fires = new ArrayList<>(List.of(fire(0, 0.1), fire(2, 2.1), fire(4, 4.1)));
        for (int s : seconds) {
            fires.add(fire(s, 20.3));
        }
        return fires;
    }

    private static List<String> check(List<ScheduleFires.Fire> fires, int policyFires, List<String> holes) {
        return ScheduleFires.violations("t", fires, EVERY_2S, policyFires, THRESHOLD, holes);
    }

    private static ScheduleFires.Fire fire(int second, double firedAt) {
        Instant at = T0.plusMillis(Math.round(firedAt * 1000));
        return new ScheduleFires.Fire(T0.plusSeconds(second), at, at);
    }
}
