package io.polysync.worker.executor;

import io.polysync.model.run.FailureReason;
import io.polysync.worker.execution.InvalidParametersException;
import io.polysync.worker.execution.JobContext;
import io.polysync.worker.execution.JobResult;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import static io.polysync.worker.executor.Contexts.context;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

class ShellCommandExecutorTest {

    private final ShellCommandExecutor shell = new ShellCommandExecutor(Duration.ofMillis(500));

    @TempDir
    Path dir;

    private static Map<String, Object> script(String script, Object... more) {
        Map<String, Object> params = new java.util.LinkedHashMap<>();
        params.put("command", List.of("/bin/sh", "-c", script));
        for (int i = 0; i < more.length; i += 2) {
            params.put((String) more[i], more[i + 1]);
        }
        return params;
    }

    @Test
    void turnsOutputLinesIntoOutputsBesideTheExitCode() throws Exception {
        JobResult result = shell.execute(context("shell", Map.of(), script("""
                echo "::output greeting=hello world"
                echo "just noise"
                echo "::output count=42"
                echo "::output empty="
                echo "::output not valid"
                """)));

        assertThat(result).isEqualTo(JobResult.success(Map.of("greeting", "hello world", "count", "42", "empty", "",
                "exitCode", 0)));
    }

    @Test
    void runsArgvWithoutAShell() throws Exception {
        JobResult result = shell.execute(context("shell", Map.of(),
                Map.of("command", List.of("/bin/echo", "::output word=$HOME;*"))));

        assertThat(result).isEqualTo(JobResult.success(Map.of("word", "$HOME;*", "exitCode", 0)));
    }

    @Test
    void failsRetryablyOnANonZeroExitWithTheEndOfStderr() throws Exception {
        JobResult result = shell.execute(context("shell", Map.of(), script("""
                for i in $(seq 1 30); do echo "line $i" >&2; done
                exit 3
                """)));

        assertThat(result).isInstanceOfSatisfying(JobResult.Failure.class, failure -> {
            assertThat(failure.error().reason()).isEqualTo(FailureReason.EXECUTION_FAILED);
            assertThat(failure.error().retryable()).isTrue();
            assertThat(failure.error().message()).contains("exited with code 3", "line 30", "line 21")
                    .doesNotContain("line 20\n");
        });
    }

    @Test
    void failsForGoodOnANonZeroExitWhenExitCodesAreNotRetryable() throws Exception {
        JobResult result = shell.execute(context("shell", Map.of(), script("exit 1", "retryableExitCodes", false)));

        assertThat(result).isInstanceOfSatisfying(JobResult.Failure.class, failure -> {
            assertThat(failure.error().reason()).isEqualTo(FailureReason.NON_RETRYABLE);
            assertThat(failure.error().retryable()).isFalse();
        });
    }

    @Test
    void passesEnvironmentAndWorkingDirectory() throws Exception {
        JobResult result = shell.execute(context("shell", Map.of(), script("""
                echo "::output dir=$(pwd -P)"
                echo "::output value=$POLYSYNC_TEST_VALUE"
                """, "env", Map.of("POLYSYNC_TEST_VALUE", "from-env"), "workingDirectory", dir.toString())));

        assertThat(result).isEqualTo(JobResult.success(Map.of("dir", dir.toRealPath().toString(),
                "value", "from-env", "exitCode", 0)));
    }

    @Test
    void tellsTheCommandWhichRunItIs() throws Exception {
        JobContext context = context("shell", Map.of(), script("""
                echo "::output run=$POLYSYNC_RUN_ID"
                echo "::output task=$POLYSYNC_TASK_NAME"
                echo "::output attempt=$POLYSYNC_ATTEMPT"
                """));

        JobResult result = shell.execute(context);

        assertThat(result).isEqualTo(JobResult.success(Map.of("run", context.runId().toString(),
                "task", "a-task", "attempt", "1", "exitCode", 0)));
    }

    @Test
    void fallsBackToThePlatformsWorkingDirectory() throws Exception {
        JobResult result = shell.execute(context("shell", Map.of("workingDirectory", dir.toString()),
                script("echo \"::output dir=$(pwd -P)\"")));

        assertThat(result).isEqualTo(JobResult.success(Map.of("dir", dir.toRealPath().toString(), "exitCode", 0)));
    }

    @Test
    void rejectsAMissingCommandOrWorkingDirectory() {
        assertThatThrownBy(() -> shell.execute(context("shell", Map.of(), Map.of())))
                .isInstanceOf(InvalidParametersException.class).hasMessageContaining("command");
        assertThatThrownBy(() -> shell.execute(context("shell", Map.of(),
                script("true", "workingDirectory", dir.resolve("absent").toString()))))
                .isInstanceOf(InvalidParametersException.class).hasMessageContaining("absent");
    }

    @Test
    void failsForGoodWhenTheProgramDoesNotExist() throws Exception {
        JobResult result = shell.execute(context("shell", Map.of(),
                Map.of("command", List.of(dir.resolve("no-such-program").toString()))));

        assertThat(result).isInstanceOfSatisfying(JobResult.Failure.class, failure -> {
            assertThat(failure.error().reason()).isEqualTo(FailureReason.NON_RETRYABLE);
            assertThat(failure.error().message()).contains("cannot start");
        });
    }

    @Test
    void killsTheWholeProcessTreeWhenInterrupted() throws Exception {
        Path pids = dir.resolve("pids");
        String tree = "sleep 300 & echo $! >> " + pids + "; sh -c 'sleep 300 & echo $! >> " + pids
                + "; wait' & echo $! >> " + pids + "; echo $$ >> " + pids + "; wait";

        assertTreeDiesOnInterrupt(tree, pids, 4);
    }

    @Test
    void killsProcessesThatIgnoreSigtermAfterTheGracePeriod() throws Exception {
        Path pids = dir.resolve("pids");
        String stubborn = "trap '' TERM; sleep 300 & echo $! >> " + pids + "; echo $$ >> " + pids + "; wait";

        long started = assertTreeDiesOnInterrupt(stubborn, pids, 2);

        assertThat(Duration.ofNanos(System.nanoTime() - started)).isGreaterThanOrEqualTo(Duration.ofMillis(500));
    }

    @Test
    void aScriptRunsNoFurtherCommandOnceInterrupted() throws Exception {
        // a cancel or a timeout must stop the job's effects: a parent shell that outlives its killed foreground
        // command by a moment runs the script's next command (here: the effect after the sleep). The background
        // sleeps widen that moment when the processes are signalled children first, as a loaded machine does.
        for (int i = 0; i < 5; i++) {
            Path pids = dir.resolve("pids-" + i);
            Path after = dir.resolve("after-" + i);
            String script = "for n in $(seq 20); do sleep 300 & echo $! >> " + pids + "; done; echo $$ >> " + pids
                    + "; sh -c 'echo $$ >> " + pids + "; exec sleep 300'; echo after >> " + after;
            assertTreeDiesOnInterrupt(script, pids, 22);
            assertThat(after).as("round " + i).doesNotExist();
        }
    }

    @Test
    void startsNothingWhenInterruptedBeforeTheCommandStarts() throws Exception {
        Path ran = dir.resolve("ran");
        Thread.currentThread().interrupt();
        try {
            assertThatThrownBy(() -> shell.execute(context("shell", Map.of(), script("sleep 1; echo ran >> " + ran))))
                    .isInstanceOf(InterruptedException.class);
        } finally {
            Thread.interrupted();
        }
        await().during(Duration.ofMillis(1_500)).atMost(Duration.ofSeconds(3)).until(() -> !Files.exists(ran));
    }

    /** Starts the script, interrupts the executor once all its processes exist, and waits for all of them to die. */
    private long assertTreeDiesOnInterrupt(String script, Path pids, int processes) throws Exception {
        CompletableFuture<Throwable> thrown = new CompletableFuture<>();
        Thread thread = new Thread(() -> {
            try {
                shell.execute(context("shell", Map.of(), script(script)));
                thrown.complete(null);
            } catch (Throwable e) {
                thrown.complete(e);
            }
        });
        thread.start();
        await().atMost(Duration.ofSeconds(10)).until(() -> Files.exists(pids)
                && Files.readAllLines(pids).size() == processes);
        List<ProcessHandle> started = Files.readAllLines(pids).stream()
                .map(pid -> ProcessHandle.of(Long.parseLong(pid.trim())).orElseThrow()).toList();
        assertThat(started).allMatch(ProcessTree::isRunning);

        long interruptedAt = System.nanoTime();
        thread.interrupt();

        assertThat(thrown.get(10, TimeUnit.SECONDS)).isInstanceOf(InterruptedException.class);
        await().atMost(Duration.ofSeconds(5)).untilAsserted(() ->
                assertThat(started).noneMatch(ProcessTree::isRunning));
        return interruptedAt;
    }
}
