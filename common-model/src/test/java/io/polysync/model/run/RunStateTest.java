package io.polysync.model.run;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

class RunStateTest {

    @Test
    void terminalStatesAreAbsorbing() {
        for (RunState terminal : new RunState[] {RunState.SUCCEEDED, RunState.FAILED, RunState.CANCELLED}) {
            assertThat(terminal.isTerminal()).isTrue();
            for (RunState next : RunState.values()) {
                assertThat(terminal.canMoveTo(next)).as(terminal + " -> " + next).isFalse();
            }
        }
    }

    @Test
    void transitionsOnlyMoveForward() {
        assertThat(RunState.QUEUED.canMoveTo(RunState.RUNNING)).isTrue();
        assertThat(RunState.QUEUED.canMoveTo(RunState.CANCELLED)).isTrue();
        assertThat(RunState.RUNNING.canMoveTo(RunState.SUCCEEDED)).isTrue();
        assertThat(RunState.RUNNING.canMoveTo(RunState.QUEUED)).isFalse();
        assertThat(RunState.RUNNING.canMoveTo(RunState.RUNNING)).isFalse();
    }

    @Test
    void bandsFollowTheDefaultThresholds() {
        assertThat(Band.of(100)).isEqualTo(Band.HIGH);
        assertThat(Band.of(70)).isEqualTo(Band.HIGH);
        assertThat(Band.of(69)).isEqualTo(Band.NORMAL);
        assertThat(Band.of(30)).isEqualTo(Band.NORMAL);
        assertThat(Band.of(29)).isEqualTo(Band.LOW);
        assertThat(Band.of(0)).isEqualTo(Band.LOW);
    }
}
