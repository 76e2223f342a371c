package io.polysync.model.cron;

import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.time.temporal.ChronoUnit;
import java.time.zone.ZoneOffsetTransition;
import java.time.zone.ZoneRules;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class CronScheduleTest {

    private static Instant at(String instant) {
        return Instant.parse(instant);
    }

    private static List<Instant> fires(String cron, String zone, String after, int count) {
        return CronSchedule.parse(cron, zone).nextFires(count, at(after));
    }

    private static List<Instant> instants(String... values) {
        return List.of(values).stream().map(Instant::parse).toList();
    }

    @Test
    void fixedEntryFiresAtTheTransitionInstantOnNewYorksSpringForwardDay() {
        assertThat(fires("30 2 * * *", "America/New_York", "2026-03-07T00:00:00Z", 3)).isEqualTo(instants(
                "2026-03-07T07:30:00Z", "2026-03-08T07:00:00Z", "2026-03-09T06:30:00Z"));
    }

    @Test
    void fixedEntryFiresOnceOnNewYorksFallBackDay() {
        assertThat(fires("30 2 * * *", "America/New_York", "2026-10-31T00:00:00Z", 3)).isEqualTo(instants(
                "2026-10-31T06:30:00Z", "2026-11-01T07:30:00Z", "2026-11-02T07:30:00Z"));
        assertThat(fires("30 1 * * *", "America/New_York", "2026-10-31T00:00:00Z", 3)).isEqualTo(instants(
                "2026-10-31T05:30:00Z", "2026-11-01T05:30:00Z", "2026-11-02T06:30:00Z"));
    }

    @Test
    void fixedEntryFiresOnceAcrossParisClockChanges() {
        assertThat(fires("30 2 * * *", "Europe/Paris", "2026-03-28T00:00:00Z", 3)).isEqualTo(instants(
                "2026-03-28T01:30:00Z", "2026-03-29T01:00:00Z", "2026-03-30T00:30:00Z"));
        assertThat(fires("30 2 * * *", "Europe/Paris", "2026-10-24T00:00:00Z", 3)).isEqualTo(instants(
                "2026-10-24T00:30:00Z", "2026-10-25T00:30:00Z", "2026-10-26T01:30:00Z"));
    }

    @Test
    void fixedEntryInsideAnOverlapIsNotFiredAgainFromTheSecondOccurrence() {
        CronSchedule paris = CronSchedule.parse("30 2 * * *", "Europe/Paris");
        // 02:40 CET, the second 02:40 of the day: the day's 02:30 already fired at its first occurrence.
        assertThat(paris.next(at("2026-10-25T01:40:00Z"))).contains(at("2026-10-26T01:30:00Z"));
        // 02:20 CEST, before the first 02:30.
        assertThat(paris.next(at("2026-10-25T00:20:00Z"))).contains(at("2026-10-25T00:30:00Z"));
    }

    @Test
    void stepEntryFiresAtEveryRealInstantAcrossNewYorkClockChanges() {
        assertThat(fires("*/15 * * * *", "America/New_York", "2026-03-08T06:30:00Z", 3)).isEqualTo(instants(
                "2026-03-08T06:45:00Z", "2026-03-08T07:00:00Z", "2026-03-08T07:15:00Z"));
        assertThat(fires("*/15 * * * *", "America/New_York", "2026-11-01T05:30:00Z", 7)).isEqualTo(instants(
                "2026-11-01T05:45:00Z", "2026-11-01T06:00:00Z", "2026-11-01T06:15:00Z", "2026-11-01T06:30:00Z",
                "2026-11-01T06:45:00Z", "2026-11-01T07:00:00Z", "2026-11-01T07:15:00Z"));
    }

    @Test
    void stepEntryFiresBothOccurrencesOfParisRepeatedHour() {
        List<Instant> fired = fires("*/15 * * * *", "Europe/Paris", "2026-10-24T23:50:00Z", 10);
        assertThat(fired).isEqualTo(instants(
                "2026-10-25T00:00:00Z", "2026-10-25T00:15:00Z", "2026-10-25T00:30:00Z", "2026-10-25T00:45:00Z",
                "2026-10-25T01:00:00Z", "2026-10-25T01:15:00Z", "2026-10-25T01:30:00Z", "2026-10-25T01:45:00Z",
                "2026-10-25T02:00:00Z", "2026-10-25T02:15:00Z"));
        List<String> local = fired.stream()
                .map(i -> i.atZone(ZoneId.of("Europe/Paris")).toLocalTime().toString()).toList();
        assertThat(local).containsExactly("02:00", "02:15", "02:30", "02:45", "02:00", "02:15", "02:30", "02:45",
                "03:00", "03:15");
        assertThat(fires("*/15 * * * *", "Europe/Paris", "2026-03-29T00:30:00Z", 3)).isEqualTo(instants(
                "2026-03-29T00:45:00Z", "2026-03-29T01:00:00Z", "2026-03-29T01:15:00Z"));
    }

    @Test
    void stepEntryReturnsToTheSecondOccurrenceFromLateInTheFirst() {
        CronSchedule newYork = CronSchedule.parse("*/15 * * * *", "America/New_York");
        // 01:59:59 EDT: next is 01:00 EST, one second later.
        assertThat(newYork.next(at("2026-11-01T05:59:59Z"))).contains(at("2026-11-01T06:00:00Z"));
        CronSchedule daily = CronSchedule.parse("0 30 1 * * *", "America/New_York");
        assertThat(daily.isFixedTime()).isTrue();
        CronSchedule everySecondOfOneThirty = CronSchedule.parse("* 30 1 * * *", "America/New_York");
        // 01:30:59 EDT: the second occurrence of 01:30:00 (EST) is the next real match.
        assertThat(everySecondOfOneThirty.next(at("2026-11-01T05:30:59Z"))).contains(at("2026-11-01T06:30:00Z"));
    }

    @Test
    void lordHoweHalfHourShiftIsHandledForFixedAndStepEntries() {
        assertThat(fires("15 2 * * *", "Australia/Lord_Howe", "2026-10-02T00:00:00Z", 3)).isEqualTo(instants(
                "2026-10-02T15:45:00Z", "2026-10-03T15:30:00Z", "2026-10-04T15:15:00Z"));
        assertThat(fires("45 1 * * *", "Australia/Lord_Howe", "2026-04-03T00:00:00Z", 3)).isEqualTo(instants(
                "2026-04-03T14:45:00Z", "2026-04-04T14:45:00Z", "2026-04-05T15:15:00Z"));
        assertThat(fires("*/15 * * * *", "Australia/Lord_Howe", "2026-04-04T14:20:00Z", 5)).isEqualTo(instants(
                "2026-04-04T14:30:00Z", "2026-04-04T14:45:00Z", "2026-04-04T15:00:00Z", "2026-04-04T15:15:00Z",
                "2026-04-04T15:30:00Z"));
        assertThat(fires("*/15 * * * *", "Australia/Lord_Howe", "2026-10-03T15:00:00Z", 3)).isEqualTo(instants(
                "2026-10-03T15:15:00Z", "2026-10-03T15:30:00Z", "2026-10-03T15:45:00Z"));
    }

    @Test
    void midnightInHavanasMidnightGapFiresAtTheTransition() {
        ZoneRules rules = ZoneId.of("America/Havana").getRules();
        ZoneOffsetTransition gap = rules.getTransition(LocalDateTime.parse("2026-03-08T00:30:00"));
        assertThat(gap).isNotNull();
        assertThat(gap.isGap()).isTrue();
        assertThat(gap.getDateTimeBefore()).isEqualTo(LocalDateTime.parse("2026-03-08T00:00:00"));

        assertThat(fires("@daily", "America/Havana", "2026-03-06T12:00:00Z", 3)).isEqualTo(instants(
                "2026-03-07T05:00:00Z", "2026-03-08T05:00:00Z", "2026-03-09T04:00:00Z"));
        assertThat(fires("30 0 * * *", "America/Havana", "2026-03-07T12:00:00Z", 2)).isEqualTo(instants(
                "2026-03-08T05:00:00Z", "2026-03-09T04:30:00Z"));
        assertThat(fires("*/30 * * * *", "America/Havana", "2026-03-08T04:00:00Z", 3)).isEqualTo(instants(
                "2026-03-08T04:30:00Z", "2026-03-08T05:00:00Z", "2026-03-08T05:30:00Z"));
    }

    @Test
    void santiagosMidnightOverlapFiresAFixedEntryOnce() {
        assertThat(fires("30 23 * * *", "America/Santiago", "2026-04-04T00:00:00Z", 3)).isEqualTo(instants(
                "2026-04-04T02:30:00Z", "2026-04-05T02:30:00Z", "2026-04-06T03:30:00Z"));
    }

    @Test
    void dayOfMonthAndDayOfWeekCombineWithOr() {
        assertThat(fires("0 0 13 * 5", "UTC", "2026-03-14T00:00:00Z", 6)).isEqualTo(instants(
                "2026-03-20T00:00:00Z", "2026-03-27T00:00:00Z", "2026-04-03T00:00:00Z", "2026-04-10T00:00:00Z",
                "2026-04-13T00:00:00Z", "2026-04-17T00:00:00Z"));
        // Only one of the two restricted: the other is ignored, as in Vixie cron.
        assertThat(fires("0 0 13 * *", "UTC", "2026-03-14T00:00:00Z", 1)).isEqualTo(instants("2026-04-13T00:00:00Z"));
        assertThat(fires("0 0 * * FRI", "UTC", "2026-03-14T00:00:00Z", 1)).isEqualTo(instants("2026-03-20T00:00:00Z"));
    }

    @Test
    void macrosExpandToTheirCrons() {
        String after = "2026-05-13T10:15:00Z";
        assertThat(fires("@hourly", "UTC", after, 1)).isEqualTo(instants("2026-05-13T11:00:00Z"));
        assertThat(fires("@daily", "UTC", after, 1)).isEqualTo(instants("2026-05-14T00:00:00Z"));
        assertThat(fires("@midnight", "UTC", after, 1)).isEqualTo(instants("2026-05-14T00:00:00Z"));
        assertThat(fires("@weekly", "UTC", after, 1)).isEqualTo(instants("2026-05-17T00:00:00Z"));
        assertThat(fires("@monthly", "UTC", after, 1)).isEqualTo(instants("2026-06-01T00:00:00Z"));
        assertThat(fires("@yearly", "UTC", after, 1)).isEqualTo(instants("2027-01-01T00:00:00Z"));
        assertThat(fires("@ANNUALLY", "UTC", after, 1)).isEqualTo(instants("2027-01-01T00:00:00Z"));
        assertThat(fires("@daily", "Europe/Paris", after, 1)).isEqualTo(instants("2026-05-13T22:00:00Z"));
        assertThat(CronSchedule.parse("@hourly", "UTC").isFixedTime()).isFalse();
        assertThat(CronSchedule.parse("@daily", "UTC").isFixedTime()).isTrue();
    }

    @Test
    void sixFieldsPutSecondsFirst() {
        assertThat(fires("*/10 * * * * *", "UTC", "2026-05-13T10:00:05Z", 3)).isEqualTo(instants(
                "2026-05-13T10:00:10Z", "2026-05-13T10:00:20Z", "2026-05-13T10:00:30Z"));
        assertThat(fires("15 30 12 * * *", "UTC", "2026-05-13T10:00:05Z", 1)).isEqualTo(instants(
                "2026-05-13T12:30:15Z"));
        assertThat(fires("* * * * * *", "UTC", "2026-05-13T10:00:05.500Z", 2)).isEqualTo(instants(
                "2026-05-13T10:00:06Z", "2026-05-13T10:00:07Z"));
    }

    @Test
    void neverFiresAtOrBeforeTheGivenInstant() {
        Random random = new Random(42);
        List<String> crons = List.of("* * * * * *", "*/15 * * * *", "30 2 * * *", "0 0 13 * 5", "@hourly",
                "45 1 * * *", "0 0 * * *", "7,37 */2 * * *");
        List<String> zones = List.of("America/New_York", "Europe/Paris", "Australia/Lord_Howe", "America/Havana",
                "America/Santiago", "Asia/Kathmandu", "Antarctica/Troll", "UTC", "Pacific/Chatham");
        long start = at("2026-01-01T00:00:00Z").getEpochSecond();
        long span = Duration.ofDays(366).getSeconds();
        for (String zone : zones) {
            for (String cron : crons) {
                CronSchedule schedule = CronSchedule.parse(cron, zone);
                for (int i = 0; i < 2_000; i++) {
                    Instant t = Instant.ofEpochSecond(start + (long) (random.nextDouble() * span), random.nextInt(1_000_000_000));
                    Instant next = schedule.next(t).orElseThrow();
                    assertThat(next).as("%s in %s after %s", cron, zone, t).isAfter(t);
                    assertThat(schedule.next(next.minusNanos(1))).as("%s in %s before %s", cron, zone, next)
                            .contains(next);
                }
            }
        }
    }

    @Test
    void rejectsBadCronsAndZonesWithAReason() {
        assertThatThrownBy(() -> CronSchedule.parse("0 0 * *", "UTC"))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("4 fields");
        assertThatThrownBy(() -> CronSchedule.parse("0 0 0 * * * *", "UTC"))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("7 fields");
        assertThatThrownBy(() -> CronSchedule.parse("61 * * * *", "UTC"))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("invalid cron '61 * * * *'");
        assertThatThrownBy(() -> CronSchedule.parse("@reboot", "UTC"))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("unknown cron macro");
        assertThatThrownBy(() -> CronSchedule.parse("", "UTC"))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("empty");
        assertThatThrownBy(() -> CronSchedule.parse("* * * * *", "Mars/Olympus_Mons"))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("unknown time zone");
    }

    @Test
    void cronThatNeverMatchesHasNoNextFire() {
        assertThat(CronSchedule.parse("0 0 30 2 *", "UTC").next(at("2026-01-01T00:00:00Z"))).isEmpty();
    }

    /**
     * Every 2026 clock change of every zone that has one: a fixed entry inside the changed hour fires exactly once per
     * local day at the instant rule 18 names, and a step entry fires at exactly the real instants whose local time
     * matches — no early fire, no duplicate, no miss.
     */
    @Test
    void everyClockChangeOf2026FiresFixedEntriesOncePerDayAndStepEntriesAtEveryRealInstant() {
        Instant yearStart = at("2026-01-01T00:00:00Z");
        Instant yearEnd = at("2027-01-01T00:00:00Z");
        int transitions = 0;
        for (String id : ZoneId.getAvailableZoneIds()) {
            ZoneId zone = ZoneId.of(id);
            ZoneRules rules = zone.getRules();
            ZoneOffsetTransition transition = rules.nextTransition(yearStart);
            while (transition != null && transition.getInstant().isBefore(yearEnd)) {
                checkFixedEntry(zone, transition);
                checkStepEntry(zone, transition);
                transitions++;
                transition = rules.nextTransition(transition.getInstant());
            }
        }
        assertThat(transitions).isGreaterThan(200);
    }

    private static void checkFixedEntry(ZoneId zone, ZoneOffsetTransition transition) {
        LocalDateTime windowStart = transition.isGap() ? transition.getDateTimeBefore() : transition.getDateTimeAfter();
        LocalDateTime inside = windowStart.plus(transition.getDuration().abs().dividedBy(2)).truncatedTo(ChronoUnit.MINUTES);
        CronSchedule schedule = CronSchedule.parse(inside.getMinute() + " " + inside.getHour() + " * * *", zone.getId());
        Instant from = transition.getInstant().minus(Duration.ofDays(3));
        Instant to = transition.getInstant().plus(Duration.ofDays(3));

        List<Instant> expected = new ArrayList<>();
        for (LocalDate day = LocalDate.ofInstant(from, zone).minusDays(1); !day.isAfter(LocalDate.ofInstant(to, zone).plusDays(1));
             day = day.plusDays(1)) {
            LocalDateTime local = day.atTime(inside.toLocalTime());
            List<ZoneOffset> offsets = zone.getRules().getValidOffsets(local);
            Instant fire = offsets.isEmpty()
                    ? zone.getRules().getTransition(local).getInstant()
                    : ZonedDateTime.ofLocal(local, zone, offsets.get(0)).withEarlierOffsetAtOverlap().toInstant();
            if (fire.isAfter(from) && !fire.isAfter(to)) {
                expected.add(fire);
            }
        }
        assertThat(firesBetween(schedule, from, to)).as("%s %s", zone, transition).isEqualTo(expected);
    }

    private static void checkStepEntry(ZoneId zone, ZoneOffsetTransition transition) {
        CronSchedule schedule = CronSchedule.parse("*/15 * * * *", zone.getId());
        Instant from = transition.getInstant().minus(Duration.ofHours(12));
        Instant to = transition.getInstant().plus(Duration.ofHours(12));
        List<Instant> expected = new ArrayList<>();
        for (Instant minute = from.plus(Duration.ofMinutes(1)); !minute.isAfter(to); minute = minute.plus(Duration.ofMinutes(1))) {
            if (minute.atZone(zone).getMinute() % 15 == 0) {
                expected.add(minute);
            }
        }
        assertThat(firesBetween(schedule, from, to)).as("%s %s", zone, transition).isEqualTo(expected);
    }

    private static List<Instant> firesBetween(CronSchedule schedule, Instant from, Instant to) {
        List<Instant> fired = new ArrayList<>();
        Instant cursor = from;
        while (true) {
            Instant next = schedule.next(cursor).orElseThrow();
            assertThat(next).isAfter(cursor);
            if (next.isAfter(to)) {
                return fired;
            }
            fired.add(next);
            cursor = next;
        }
    }
}
