package io.polysync.model.id;

import io.polysync.model.run.TriggerType;
import org.junit.jupiter.api.Test;

import java.util.UUID;

import static org.assertj.core.api.Assertions.assertThat;

class IdsTest {

    private final UUID task = UUID.fromString("11111111-2222-3333-4444-555555555555");

    @Test
    void sameTriggerKeyGivesSameTriggerAndRunId() {
        UUID first = Ids.triggerId(task, TriggerType.MANUAL, "key-1");
        UUID second = Ids.triggerId(task, TriggerType.MANUAL, "key-1");
        assertThat(first).isEqualTo(second);
        assertThat(Ids.runId(first)).isEqualTo(Ids.runId(second)).isNotEqualTo(first);
    }

    @Test
    void typeTaskAndKeyEachChangeTheId() {
        UUID base = Ids.triggerId(task, TriggerType.MANUAL, "k");
        assertThat(Ids.triggerId(task, TriggerType.EXTERNAL, "k")).isNotEqualTo(base);
        assertThat(Ids.triggerId(UUID.randomUUID(), TriggerType.MANUAL, "k")).isNotEqualTo(base);
        assertThat(Ids.triggerId(task, TriggerType.MANUAL, "k2")).isNotEqualTo(base);
    }

    @Test
    void idsAreVersion5() {
        UUID id = Ids.triggerId(task, TriggerType.SCHEDULE, "s|2026-11-28T02:00:00Z");
        assertThat(id.version()).isEqualTo(5);
        assertThat(id.variant()).isEqualTo(2);
    }

    @Test
    void matchesTheRfc4122ExampleForVersion5() {
        UUID dns = UUID.fromString("6ba7b810-9dad-11d1-80b4-00c04fd430c8");
        assertThat(Ids.nameBased(dns, "www.example.com"))
                .isEqualTo(UUID.fromString("2ed6657d-e927-568b-95e1-2665a8aea6a2"));
    }
}
