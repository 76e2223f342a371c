package io.polysync.systemtest.harness;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.UUID;

/**
 * What the test jobs did, as they recorded it themselves: the effect job appends {@code start} and {@code end} lines
 * with its run id, attempt and the worker process it ran under, so a run executed twice shows up twice.
 */
public final class Effects {

    /**
     * The test job: argv for {@code shell.command}. It appends to the file named by the workers' environment; lines
     * this short are written atomically with O_APPEND, whichever worker writes them.
     */
    public static final List<String> COMMAND = List.of("sh", "-c",
            "echo \"start $POLYSYNC_RUN_ID $POLYSYNC_ATTEMPT $SYSTEM_TEST_NODE\" >> \"$POLYSYNC_EFFECTS_FILE\"; "
                    + "sleep \"${SLEEP:-0}\"; "
                    + "if [ \"${FAIL_ATTEMPTS:-0}\" -ge \"$POLYSYNC_ATTEMPT\" ]; then exit 7; fi; "
                    + "echo \"end $POLYSYNC_RUN_ID $POLYSYNC_ATTEMPT $SYSTEM_TEST_NODE\" >> \"$POLYSYNC_EFFECTS_FILE\"; "
                    + "echo \"::output attempt=$POLYSYNC_ATTEMPT\"");

    private final Path file;

    public Effects(Path file) {
        this.file = file;
    }

    public Path file() {
        return file;
    }

    public List<Effect> all() {
        try {
            if (!Files.exists(file)) {
                return List.of();
            }
            return Files.readAllLines(file).stream().filter(l -> !l.isBlank()).map(Effect::parse).toList();
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    public List<Effect> of(UUID runId) {
        return all().stream().filter(e -> e.runId().equals(runId)).toList();
    }

    /** One line: {@code start|end <runId> <attempt> <node>}. */
    public record Effect(String kind, UUID runId, int attempt, String node) {
        static Effect parse(String line) {
            String[] parts = line.trim().split(" ");
            return new Effect(parts[0], UUID.fromString(parts[1]), Integer.parseInt(parts[2]),
                    parts.length > 3 ? parts[3] : "");
        }

        public boolean isEnd() {
            return "end".equals(kind);
        }
    }
}
