package io.polysync.worker.executor;

import io.polysync.model.jobtype.JobTypeCatalog;
import io.polysync.model.run.FailureReason;
import io.polysync.model.run.RunError;
import io.polysync.worker.execution.InvalidParametersException;
import io.polysync.worker.execution.JobContext;
import io.polysync.worker.execution.JobExecutor;
import io.polysync.worker.execution.JobResult;
import io.polysync.worker.execution.JobValues;

import java.io.BufferedReader;
import java.io.File;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.Collections;
import java.util.Deque;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Runs a command on the worker: {@code command} is an argv array, executed without a shell; {@code env} adds to the
 * worker's environment, and {@code POLYSYNC_RUN_ID}, {@code POLYSYNC_TASK_NAME} and {@code POLYSYNC_ATTEMPT} tell the
 * command which run it is; the working directory is the parameter's, else the platform's {@code workingDirectory}, else
 * the worker's own. Lines printed as {@code ::output name=value} become outputs (strings), beside {@code exitCode}.
 * A non-zero exit fails, retryable unless {@code retryableExitCodes} is false (DESIGN.md section 10 rule 10), with the
 * last lines of stderr in the message. When the run is interrupted (its timeout) the command and every process it
 * started get SIGTERM, and SIGKILL after the grace period.
 */
public class ShellCommandExecutor implements JobExecutor {

    static final int STDERR_TAIL_LINES = 10;
    static final int MAX_STDERR_LINE_CHARS = 300;
    private static final Pattern OUTPUT_LINE = Pattern.compile("::output ([A-Za-z_][A-Za-z0-9_.-]*)=(.*)");
    /** Streams still open after the command exited belong to processes it left behind; they are not waited for. */
    private static final long STREAM_DRAIN_MILLIS = 2_000;

    private final Duration killGracePeriod;

    public ShellCommandExecutor(Duration killGracePeriod) {
        this.killGracePeriod = killGracePeriod;
    }

    @Override
    public String jobType() {
        return JobTypeCatalog.SHELL_COMMAND;
    }

    @Override
    public JobResult execute(JobContext context) throws InterruptedException {
        JobValues params = context.params();
        List<String> command = params.stringList("command").filter(argv -> !argv.isEmpty())
                .orElseThrow(() -> new InvalidParametersException(
                        "parameter 'command' is required: a non-empty array of strings (argv, no shell)"));
        Map<String, String> env = params.stringMap("env");
        File directory = workingDirectory(params, context.platformConfig());
        boolean retryable = params.bool("retryableExitCodes", true);

        ProcessBuilder builder = new ProcessBuilder(command).directory(directory);
        builder.environment().putAll(env);
        // the run's identity, so a command can make its effects idempotent per run (or record them per attempt)
        builder.environment().put("POLYSYNC_RUN_ID", String.valueOf(context.runId()));
        builder.environment().put("POLYSYNC_TASK_NAME", String.valueOf(context.taskName()));
        builder.environment().put("POLYSYNC_ATTEMPT", String.valueOf(context.attempt()));
        if (Thread.interrupted()) {
            // cancelled (or the worker stops) before the command started: it must not start at all
            throw new InterruptedException("interrupted before '" + command.get(0) + "' started");
        }
        Process process;
        try {
            process = builder.start();
        } catch (IOException e) {
            return JobResult.nonRetryableFailure("cannot start '" + command.get(0) + "': " + e.getMessage());
        }
        Map<String, Object> outputs = Collections.synchronizedMap(new LinkedHashMap<>());
        StderrTail stderr = new StderrTail();
        Thread stdoutReader = drain(process.getInputStream(), "stdout", process.pid(), line -> {
            Matcher m = OUTPUT_LINE.matcher(line);
            if (m.matches()) {
                outputs.put(m.group(1), m.group(2));
            }
        });
        Thread stderrReader = drain(process.getErrorStream(), "stderr", process.pid(), stderr::add);
        try {
            process.getOutputStream().close();
        } catch (IOException ignored) {
            // the command may already have exited; it gets no input either way
        }

        int exitCode;
        try {
            exitCode = process.waitFor();
        } catch (InterruptedException e) {
            ProcessTree.terminate(process.toHandle(), killGracePeriod);
            throw e;
        }
        stdoutReader.join(STREAM_DRAIN_MILLIS);
        stderrReader.join(STREAM_DRAIN_MILLIS);

        if (exitCode != 0) {
            String message = "command '" + command.get(0) + "' exited with code " + exitCode + stderr.describe();
            return JobResult.failure(retryable
                    ? RunError.retryable(FailureReason.EXECUTION_FAILED, message)
                    : RunError.nonRetryable(message));
        }
        Map<String, Object> result;
        synchronized (outputs) {
            result = new LinkedHashMap<>(outputs);
        }
        result.put("exitCode", exitCode);
        return JobResult.success(result);
    }

    private static File workingDirectory(JobValues params, JobValues config) {
        String path = params.string("workingDirectory").filter(p -> !p.isBlank())
                .or(() -> config.string("workingDirectory").filter(p -> !p.isBlank()))
                .orElse(null);
        if (path == null) {
            return null;
        }
        File directory = new File(path);
        if (!directory.isDirectory()) {
            throw new InvalidParametersException("working directory '" + path + "' does not exist on this worker");
        }
        return directory;
    }

    private static Thread drain(InputStream stream, String name, long pid, Consumer<String> lines) {
        Thread thread = new Thread(() -> {
            try (BufferedReader reader = new BufferedReader(new InputStreamReader(stream, StandardCharsets.UTF_8))) {
                for (String line = reader.readLine(); line != null; line = reader.readLine()) {
                    lines.accept(line);
                }
            } catch (IOException | UncheckedIOException e) {
                // the stream closes under us when the process is killed; what was read so far is kept
            }
        }, "polysync-shell-" + pid + "-" + name);
        thread.setDaemon(true);
        thread.start();
        return thread;
    }

    /** The last lines of stderr, each cut short, so a chatty command cannot bloat the error. */
    private static final class StderrTail {

        private final Deque<String> lines = new ArrayDeque<>();

        synchronized void add(String line) {
            if (lines.size() == STDERR_TAIL_LINES) {
                lines.removeFirst();
            }
            lines.addLast(line.length() <= MAX_STDERR_LINE_CHARS ? line : line.substring(0, MAX_STDERR_LINE_CHARS) + "…");
        }

        synchronized String describe() {
            return lines.isEmpty() ? "" : "; stderr: " + String.join("\n", lines);
        }
    }
}
