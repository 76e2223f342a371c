package io.polysync.task.messaging;

import io.polysync.model.Json;
import io.polysync.model.event.RunEvent;
import org.junit.jupiter.api.Test;
import tools.jackson.core.JacksonException;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class CanonicalInstantsTest {

    @Test
    void readsWhatInstantToStringWritesAsInstantParseWould() {
        Random random = new Random(42);
        List<Instant> instants = new ArrayList<>(List.of(Instant.EPOCH,
                Instant.parse("2026-11-28T10:00:00Z"), Instant.parse("2026-11-28T10:00:00.120Z"),
                Instant.parse("2026-11-28T10:00:00.123456Z"), Instant.parse("2026-11-28T10:00:00.123456789Z"),
                Instant.parse("2024-02-29T23:59:59.999999999Z"), Instant.parse("0001-01-01T00:00:00Z"),
                Instant.parse("9999-12-31T23:59:59.999999999Z")));
        for (int i = 0; i < 10_000; i++) {
            instants.add(Instant.ofEpochSecond(random.nextLong(-62_135_596_800L, 253_402_300_800L),
                    random.nextInt(4) == 0 ? 0 : random.nextInt(1_000_000_000)));
        }

        for (Instant instant : instants) {
            assertThat(CanonicalInstants.parse(instant.toString())).as(instant.toString()).isEqualTo(instant);
        }
        for (String fraction : List.of("1", "12", "1234", "12345", "1234567", "12345678")) {
            String text = "2026-11-28T10:00:00." + fraction + "Z";
            assertThat(CanonicalInstants.parse(text)).as(text).isEqualTo(Instant.parse(text));
        }
    }

    @Test
    void leavesEveryOtherFormToJackson() {
        for (String text : List.of("2026-11-28T10:00:00+01:00", " 2026-11-28T10:00:00Z", "2026-11-28T10:00Z",
                "2026-11-28T10:00:00.Z", "2026-11-28T10:00:00.1234567890Z", "+12026-11-28T10:00:00Z",
                "2026-02-30T10:00:00Z", "2026-11-28T24:00:00Z", "2026-12-31T23:59:60Z", "2026-1x-28T10:00:00Z",
                "2026-11-28 10:00:00Z", "1764324000")) {
            assertThat(CanonicalInstants.parse(text)).as(text).isNull();
        }
    }

    @Test
    void aRunEventReadsAsTheWireMappingReadsIt() {
        String event = "{\"type\":\"RunStateChanged\",\"runId\":\"00000000-0000-0000-0000-000000000001\","
                + "\"state\":\"RUNNING\",\"queuedAt\":\"2026-11-28T10:00:00.5Z\","
                + "\"startedAt\":\"2026-11-28T11:00:01+01:00\",\"finishedAt\":1764324000.25,"
                + "\"scheduledFor\":\"2026-12-31T23:59:60Z\",\"occurredAt\":\"2026-11-28T10:00:02.123456789Z\"}";

        assertThat(RunEventListener.decode(event)).isEqualTo(Json.decode(event, RunEvent.class));
        assertThatThrownBy(() -> RunEventListener.decode(event.replace("10:00:00.5Z", "10:00:00.5X")))
                .isInstanceOf(JacksonException.class);
    }
}
