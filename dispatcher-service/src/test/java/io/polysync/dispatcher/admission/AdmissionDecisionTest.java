package io.polysync.dispatcher.admission;

import io.polysync.dispatcher.admission.AdmissionDecision.Outcome;
import io.polysync.dispatcher.admission.AdmissionDecision.ProfileState;
import io.polysync.model.task.ContentionProfileSnapshot.RateLimit;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.time.Instant;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

class AdmissionDecisionTest {

    private static final Instant NOW = Instant.parse("2026-11-28T10:00:00Z");

    @Test
    void aRunWithFreeGatesIsAdmitted() {
        assertThat(AdmissionDecision.decide(2, 1, List.of(
                new ProfileState("warehouse-a", 5, 4, null, List.of()),
                new ProfileState("api", null, 9, new RateLimit(3, Duration.ofMinutes(1)), List.of(NOW.minusSeconds(5)))),
                NOW)).isEqualTo(new Outcome.Admit());
    }

    @Test
    void noLimitsAdmitsWhateverIsInUse() {
        assertThat(AdmissionDecision.decide(null, 100, List.of(new ProfileState("p", null, 50, null, null)), NOW))
                .isEqualTo(new Outcome.Admit());
    }

    @Test
    void theTaskLimitIsCheckedFirst() {
        assertThat(AdmissionDecision.decide(1, 1, List.of(new ProfileState("warehouse-a", 5, 5, null, List.of())),
                NOW)).isEqualTo(new Outcome.Wait("max concurrent runs 1 reached"));
    }

    @Test
    void aFullProfileSaysHowManyPermitsAreInUse() {
        assertThat(AdmissionDecision.decide(null, 0, List.of(
                new ProfileState("a", 3, 1, null, List.of()),
                new ProfileState("warehouse-a", 5, 5, null, List.of())), NOW))
                .isEqualTo(new Outcome.Wait("profile warehouse-a: 5 of 5 in use", "warehouse-a"));
    }

    @Test
    void anExhaustedRateSaysWhenTheNextSlotOpens() {
        List<Instant> admissions = List.of(NOW.minusSeconds(50), NOW.minusSeconds(20), NOW.minusSeconds(10));
        assertThat(AdmissionDecision.decide(null, 0, List.of(
                new ProfileState("api-quota", null, 0, new RateLimit(3, Duration.ofMinutes(1)), admissions)), NOW))
                .isEqualTo(new Outcome.Wait("profile api-quota: rate 3/min reached, next slot at "
                        + NOW.plusSeconds(10), "api-quota"));
    }

    @Test
    void ratePeriodsArePrintedAsPeopleWriteThem() {
        assertThat(AdmissionDecision.period(Duration.ofMinutes(1))).isEqualTo("min");
        assertThat(AdmissionDecision.period(Duration.ofSeconds(2))).isEqualTo("2s");
        assertThat(AdmissionDecision.period(Duration.ofHours(1))).isEqualTo("h");
        assertThat(AdmissionDecision.period(Duration.ofMinutes(5))).isEqualTo("5min");
        assertThat(AdmissionDecision.period(Duration.ofMillis(1500))).isEqualTo("1500ms");
    }
}
