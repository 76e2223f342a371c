package io.polysync.model;

import io.polysync.model.event.RunStarted;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.time.Instant;
import java.util.SplittableRandom;
import java.util.UUID;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class InstantTextTest {

    /** 0000-01-01T00:00:00Z and 9999-12-31T23:59:59Z: the instants whose year has four digits. */
    private static final long FIRST = Instant.parse("0000-01-01T00:00:00Z").getEpochSecond();
    private static final long LAST = Instant.parse("9999-12-31T23:59:59Z").getEpochSecond();

    @Test
    void writesWhatInstantToStringWritesAndReadsItBack() {
        SplittableRandom random = new SplittableRandom(20261130);
        for (int i = 0; i < 200_000; i++) {
            long second = random.nextLong(FIRST, LAST + 1);
            int nanos = switch (i % 4) {
                case 0 -> 0;
                case 1 -> random.nextInt(1_000) * 1_000_000;
                case 2 -> random.nextInt(1_000_000) * 1_000;
                default -> random.nextInt(1_000_000_000);
            };
            Instant instant = Instant.ofEpochSecond(second, nanos);
            String text = InstantText.format(instant);
            assertThat(text).isEqualTo(instant.toString());
            assertThat(InstantText.parse(text)).isEqualTo(instant);
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"0000-01-01T00:00:00Z", "1969-12-31T23:59:59.999999999Z", "1970-01-01T00:00:00Z",
            "2000-02-29T12:00:00.5Z", "2024-02-29T23:59:59.12Z", "2100-03-01T00:00:00.000001Z",
            "9999-12-31T23:59:59.999Z"})
    void readsEveryCanonicalTextAsInstantParseDoes(String text) {
        assertThat(InstantText.parse(text)).isEqualTo(Instant.parse(text));
    }

    @Test
    void leavesYearsBeyondFourDigitsToInstantToString() {
        Instant far = Instant.parse("+10000-01-01T00:00:00Z");
        assertThat(InstantText.format(far)).isEqualTo(far.toString());
        Instant before = Instant.ofEpochSecond(FIRST - 1);
        assertThat(InstantText.format(before)).isEqualTo(before.toString());
    }

    @ParameterizedTest
    @ValueSource(strings = {"2026-11-30T10:15:07+01:00", "2026-11-30T10:15:07z", "2026-11-30T10:15Z",
            "2026-11-30 10:15:07Z", "2026-02-29T10:15:07Z", "2026-04-31T10:15:07Z", "2026-13-01T10:15:07Z",
            "2026-11-30T24:00:00Z", "2026-12-31T23:59:60Z", "2026-11-30T10:15:07.Z", "2026-11-30T10:15:07,5Z",
            "2026-11-30T10:15:07.1234567890Z", "2026-11-3xT10:15:07Z", "+2026-11-30T10:15:07Z",
            " 2026-11-30T10:15:07Z", "1764497707", ""})
    void answersNullForAnyOtherText(String text) {
        assertThat(InstantText.parse(text)).isNull();
    }

    @Test
    void wireRecordsCarryInstantsInTheirCanonicalForm() {
        RunStarted started = new RunStarted(UUID.randomUUID(), UUID.randomUUID(), "worker-1",
                Instant.parse("2026-11-30T10:15:07.120Z"));
        String json = Json.encode(started);
        assertThat(json).contains("\"occurredAt\":\"2026-11-30T10:15:07.120Z\"");
        assertThat(Json.decode(json, RunStarted.class)).isEqualTo(started);
    }

    @Test
    void otherFormsAreStillReadTheGeneralWay() {
        RunStarted started = new RunStarted(UUID.randomUUID(), UUID.randomUUID(), "worker-1",
                Instant.parse("2026-11-30T09:15:07Z"));
        String json = Json.encode(started);
        assertThat(json).contains("\"occurredAt\":\"2026-11-30T09:15:07Z\"");

        String withOffset = json.replace("\"2026-11-30T09:15:07Z\"", "\"2026-11-30T10:15:07+01:00\"");
        assertThat(Json.decode(withOffset, RunStarted.class)).isEqualTo(started);
        String epochSeconds = json.replace("\"2026-11-30T09:15:07Z\"",
                Long.toString(started.occurredAt().getEpochSecond()));
        assertThat(Json.decode(epochSeconds, RunStarted.class)).isEqualTo(started);
        String fractionalSeconds = json.replace("\"2026-11-30T09:15:07Z\"",
                started.occurredAt().getEpochSecond() + ".25");
        assertThat(Json.decode(fractionalSeconds, RunStarted.class).occurredAt())
                .isEqualTo(started.occurredAt().plusMillis(250));
        String impossible = json.replace("2026-11-30T09:15:07Z", "2026-02-30T09:15:07Z");
        assertThatThrownBy(() -> Json.decode(impossible, RunStarted.class))
                .isInstanceOf(tools.jackson.core.JacksonException.class);
    }
}
