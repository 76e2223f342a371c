package io.polysync.bench;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

class ThreadGroupsTest {

    @Test
    void namesTheJvmsOwnThreadsByTheNamesProcShows() {
        assertThat(ThreadGroups.of("C2 CompilerThre")).isEqualTo("JIT compiler");
        assertThat(ThreadGroups.of("C1 CompilerThre")).isEqualTo("JIT compiler");
        assertThat(ThreadGroups.of("GC Thread#1")).isEqualTo("garbage collector");
        assertThat(ThreadGroups.of("G1 Refine#0")).isEqualTo("garbage collector");
        assertThat(ThreadGroups.of("G1 Conc#0")).isEqualTo("garbage collector");
        assertThat(ThreadGroups.of("G1 Service")).isEqualTo("garbage collector");
    }

    @Test
    void namesPolysyncsAndKafkasThreadsAndLeavesTheRestOther() {
        assertThat(ThreadGroups.of("http-nio-21000-")).isEqualTo("HTTP (Tomcat)");
        assertThat(ThreadGroups.of("data-plane-kafk")).isEqualTo("Kafka broker");
        assertThat(ThreadGroups.of("polysync-slot-3")).isEqualTo("worker slots (polling, reports)");
        assertThat(ThreadGroups.of("VM Thread")).isEqualTo("other");
    }
}
