package io.polysync.bench;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

import static org.assertj.core.api.Assertions.assertThat;

class MachineTest {

    @Test
    void theCodeVersionIsTheCheckoutsCommitAndSaysWhenTrackedFilesChanged(@TempDir Path dir) throws Exception {
        git(dir, "init", "-q");
        Files.writeString(dir.resolve("a.txt"), "one");
        git(dir, "add", "a.txt");
        git(dir, "-c", "user.name=bench", "-c", "user.email=bench@polysync.invalid", "commit", "-q", "-m", "one");
        String commit = new String(new ProcessBuilder("git", "-C", dir.toString(), "rev-parse", "--short=12", "HEAD")
                .start().getInputStream().readAllBytes()).trim();

        assertThat(Bench.Machine.codeVersion(dir)).isEqualTo(commit).matches("[0-9a-f]{12}");

        // a result file written beside the checkout is untracked and does not count as a change
        Files.writeString(dir.resolve("result.md"), "figures");
        assertThat(Bench.Machine.codeVersion(dir)).isEqualTo(commit);

        Files.writeString(dir.resolve("a.txt"), "two");
        assertThat(Bench.Machine.codeVersion(dir)).isEqualTo(commit + " with uncommitted changes");
    }

    @Test
    void withoutACheckoutTheCodeVersionIsUnknown(@TempDir Path dir) {
        assertThat(Bench.Machine.codeVersion(dir)).startsWith("unknown (no git checkout at ");
    }

    private static void git(Path dir, String... args) throws IOException, InterruptedException {
        String[] command = new String[args.length + 3];
        command[0] = "git";
        command[1] = "-C";
        command[2] = dir.toString();
        System.arraycopy(args, 0, command, 3, args.length);
        Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
        String out = new String(process.getInputStream().readAllBytes());
        assertThat(process.waitFor()).as("git %s: %s", String.join(" ", args), out).isZero();
    }
}
