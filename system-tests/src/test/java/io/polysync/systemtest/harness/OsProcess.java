package io.polysync.systemtest.harness;

import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * One operating-system process the suite starts and injects faults into: {@code kill -9}, {@code kill -STOP} and
 * {@code -CONT}, a graceful stop (SIGTERM) and a restart with the same command. Output goes to a log file that
 * survives restarts, so a failed scenario can be read afterwards.
 */
public class OsProcess {

    private final String name;
    private final List<String> command;
    private final Map<String, String> environment;
    private final Path log;
    private volatile Process process;
    private volatile boolean paused;

    public OsProcess(String name, List<String> command, Map<String, String> environment, Path log) {
        this.name = name;
        this.command = List.copyOf(command);
        this.environment = Map.copyOf(environment);
        this.log = log;
    }

    public String name() {
        return name;
    }

    public Path log() {
        return log;
    }

    public synchronized void start() {
        start(List.of());
    }

    /** Starts the process with extra arguments for this start only (a fault switch, say). */
    public synchronized void start(List<String> extraArguments) {
        if (isAlive()) {
            throw new IllegalStateException(name + " is already running");
        }
        try {
            List<String> argv = new java.util.ArrayList<>(command);
            argv.addAll(extraArguments);
            ProcessBuilder builder = new ProcessBuilder(argv)
                    .redirectErrorStream(true)
                    .redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile()));
            builder.environment().putAll(environment);
            java.nio.file.Files.writeString(log, "\n==== start " + java.time.Instant.now() + " " + argv + "\n",
                    java.nio.file.StandardOpenOption.CREATE, java.nio.file.StandardOpenOption.APPEND);
            process = builder.start();
            paused = false;
        } catch (IOException e) {
            throw new IllegalStateException("cannot start " + name + ": " + e.getMessage(), e);
        }
    }

    public boolean isAlive() {
        Process p = process;
        return p != null && p.isAlive();
    }

    public boolean isPaused() {
        return paused;
    }

    public long pid() {
        return process.pid();
    }

    /** The exit status once the process ended, for a test that expects a halt at a fault point. */
    public int awaitExit(Duration timeout) {
        try {
            if (!process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
                throw new IllegalStateException(name + " did not exit within " + timeout);
            }
            return process.exitValue();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    /**
     * {@code kill -9}: no shutdown hooks, no goodbye to the consumer group, nothing flushed. A paused process is
     * killed as it is, never resumed first (even milliseconds of running could let it act). Its child processes (a
     * worker's shell jobs) die with it, as they do when a container or a systemd unit is killed: the process first,
     * so it never sees a child die and reports that.
     */
    public synchronized void kill() {
        Process p = process;
        if (p == null || !p.isAlive()) {
            return;
        }
        java.util.List<ProcessHandle> children = p.descendants().toList();
        p.destroyForcibly(); // SIGKILL on Linux; it also ends a stopped process
        children.forEach(ProcessHandle::destroyForcibly);
        waitFor(p, Duration.ofSeconds(30));
        paused = false;
    }

    /** {@code kill -STOP}: the process keeps its sockets and its claims but does nothing, like a long GC pause. */
    public synchronized void pause() {
        signal("STOP");
        paused = true;
    }

    /** {@code kill -CONT}. */
    public synchronized void resume() {
        signal("CONT");
        paused = false;
    }

    /** SIGTERM and wait: the process runs its shutdown (leaves its groups, drains, reports). */
    public synchronized void stopGracefully(Duration timeout) {
        Process p = process;
        if (p == null || !p.isAlive()) {
            return;
        }
        if (paused) {
            resume();
        }
        p.destroy();
        if (!waitFor(p, timeout)) {
            kill();
        }
    }

    private void signal(String signal) {
        try {
            Process kill = new ProcessBuilder("kill", "-" + signal, Long.toString(process.pid())).start();
            if (!kill.waitFor(10, TimeUnit.SECONDS) || kill.exitValue() != 0) {
                throw new IllegalStateException("kill -" + signal + " " + name + " failed");
            }
        } catch (IOException e) {
            throw new IllegalStateException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    private static boolean waitFor(Process p, Duration timeout) {
        try {
            return p.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }

    @Override
    public String toString() {
        return name;
    }
}
