package io.polysync.task.messaging;

import io.polysync.model.event.RunStateChanged;
import org.junit.jupiter.api.Test;
import tools.jackson.core.JacksonException;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** Records the read model can never apply are refused while decoding, so they are dead-lettered at once. */
class RunEventListenerTest {

    @Test
    void anEventWithoutItsRunIsRefused() {
        for (String type : new String[] {"RunStateChanged", "RetryScheduled", "RunWaiting"}) {
            assertThatThrownBy(() -> RunEventListener.decode("{\"type\":\"" + type + "\"}")).as(type)
                    .isInstanceOf(IllegalArgumentException.class);
        }
    }

    @Test
    void undecodableTextIsRefusedAndARecordWithoutAValueIsPassedOver() {
        assertThatThrownBy(() -> RunEventListener.decode("not json")).isInstanceOf(JacksonException.class);
        assertThat(RunEventListener.decode(null)).isNull();
        assertThat(RunEventListener.decode("{\"type\":\"RunStateChanged\",\"runId\":"
                + "\"00000000-0000-0000-0000-000000000001\",\"state\":\"QUEUED\"}")).isInstanceOf(RunStateChanged.class);
    }
}
