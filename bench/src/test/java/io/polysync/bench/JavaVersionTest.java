package io.polysync.bench;

import org.junit.jupiter.api.Test;

import java.nio.file.Path;

import static org.assertj.core.api.Assertions.assertThat;

class JavaVersionTest {

    @Test
    void namesTheVmOfTheJavaGiven() {
        Path java = Options.java("");

        assertThat(java).isEqualTo(Path.of(System.getProperty("java.home"), "bin", "java"));
        assertThat(JavaVersion.of(java)).startsWith(System.getProperty("java.vm.name"))
                .contains(Runtime.version().toString());
    }

    @Test
    void saysSoWhenTheJavaCannotBeStarted() {
        assertThat(JavaVersion.of(Path.of("/nonexistent/bin/java"))).startsWith("unknown (");
    }
}
