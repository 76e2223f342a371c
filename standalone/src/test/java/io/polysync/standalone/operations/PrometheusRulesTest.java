package io.polysync.standalone.operations;

import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The alert rules as CI's promtool sees them: {@code promtool check rules} finds no error and every
 * {@code promtool test rules} unit test (each alert firing and not firing) passes.
 */
class PrometheusRulesTest {

    @Test
    void alertRulesPassPromtoolCheck() throws Exception {
        List<Path> rules = Repository.files("deploy/prometheus/rules", ".yml");
        assertThat(rules).isNotEmpty();
        List<String> command = new ArrayList<>(List.of(promtool(), "check", "rules"));
        rules.forEach(r -> command.add(r.toString()));

        Result result = run(command);

        assertThat(result.exitCode()).as(result.output()).isZero();
        assertThat(result.output()).contains("SUCCESS").doesNotContain("FAILED");
    }

    @Test
    void alertRuleUnitTestsPass() throws Exception {
        List<Path> tests = Repository.files("deploy/prometheus/tests", ".yml");
        assertThat(tests).isNotEmpty();
        List<String> command = new ArrayList<>(List.of(promtool(), "test", "rules"));
        tests.forEach(t -> command.add(t.toString()));

        Result result = run(command);

        assertThat(result.exitCode()).as(result.output()).isZero();
        assertThat(result.output()).contains("SUCCESS").doesNotContain("FAILED");
    }

    /** CI installs Debian's prometheus package; a machine without it fails here rather than skipping the check. */
    static String promtool() {
        return executable("promtool");
    }

    static String executable(String name) {
        for (String dir : System.getenv().getOrDefault("PATH", "/usr/bin").split(":")) {
            Path candidate = Path.of(dir, name);
            if (Files.isExecutable(candidate)) {
                return candidate.toString();
            }
        }
        throw new IllegalStateException(name + " is not on the PATH: install Debian's prometheus package");
    }

    private static Result run(List<String> command) throws IOException, InterruptedException {
        Process process = new ProcessBuilder(command).directory(Repository.root().toFile())
                .redirectErrorStream(true).start();
        String output;
        try (var in = process.getInputStream()) {
            output = new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
        assertThat(process.waitFor(60, TimeUnit.SECONDS)).as("promtool finished").isTrue();
        return new Result(process.exitValue(), String.join(" ", command) + "\n" + output);
    }

    private record Result(int exitCode, String output) {
    }
}
