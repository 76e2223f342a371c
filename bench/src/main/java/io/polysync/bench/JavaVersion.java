package io.polysync.bench;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;

/** What {@code java -version} says of a runtime's VM, for the result file: the runtime is part of what was measured. */
final class JavaVersion {

    private JavaVersion() {
    }

    /** The VM line of {@code <java> -version} (e.g. "OpenJDK 64-Bit Server VM Temurin-25.0.3+9 (build …)"). */
    static String of(Path java) {
        try {
            Process process = new ProcessBuilder(java.toString(), "-version").redirectErrorStream(true).start();
            // read to the end, which is the process's exit: -version prints three lines and stops
            String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            process.waitFor();
            return output.lines().filter(line -> line.contains(" VM ")).findFirst()
                    .or(() -> output.lines().findFirst())
                    .map(String::trim).orElse("unknown");
        } catch (IOException e) {
            return "unknown (" + e.getMessage() + ")";
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return "unknown (interrupted)";
        }
    }
}
