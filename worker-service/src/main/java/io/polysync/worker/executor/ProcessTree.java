package io.polysync.worker.executor;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;

/**
 * Stops a process together with everything it started: SIGTERM to all, then SIGKILL to whatever is still running
 * after the grace period. The tree is taken before the first signal, because once a parent dies its children are
 * re-parented and can no longer be found through it. Parents are signalled before their children: a shell whose
 * foreground command died first would run the script's next command in the moment before its own signal arrived
 * (an effect after a cancel or a timeout); orphaned children are reaped by whoever adopts them, and a zombie left
 * behind counts as stopped ({@link #isRunning}).
 */
final class ProcessTree {

    private static final long POLL_MILLIS = 20;

    private ProcessTree() {
    }

    /** Returns once every process of the tree has exited or was sent SIGKILL. Keeps the caller's interrupt status. */
    static void terminate(ProcessHandle root, Duration gracePeriod) {
        Set<ProcessHandle> tree = new LinkedHashSet<>();
        collectParentsFirst(root, tree);
        tree.forEach(ProcessHandle::destroy);

        boolean interrupted = Thread.interrupted();
        long deadline = System.nanoTime() + gracePeriod.toNanos();
        try {
            while (!interrupted && anyRunning(tree) && System.nanoTime() < deadline) {
                TimeUnit.MILLISECONDS.sleep(POLL_MILLIS);
            }
        } catch (InterruptedException e) {
            interrupted = true;
        }
        for (ProcessHandle process : List.copyOf(tree)) {
            if (isRunning(process)) {
                collect(process, tree);
            }
        }
        tree.stream().filter(ProcessTree::isRunning).forEach(ProcessHandle::destroyForcibly);
        if (interrupted) {
            Thread.currentThread().interrupt();
        }
    }

    private static void collect(ProcessHandle process, Set<ProcessHandle> into) {
        into.add(process);
        process.descendants().forEach(into::add);
    }

    /** The process and its descendants, level by level: every parent comes before its children. */
    private static void collectParentsFirst(ProcessHandle root, Set<ProcessHandle> into) {
        Deque<ProcessHandle> next = new ArrayDeque<>(List.of(root));
        while (!next.isEmpty()) {
            ProcessHandle process = next.removeFirst();
            if (into.add(process)) {
                process.children().forEach(next::addLast);
            }
        }
    }

    private static boolean anyRunning(Set<ProcessHandle> tree) {
        return tree.stream().anyMatch(ProcessTree::isRunning);
    }

    /**
     * Alive and not a zombie. An orphan whose init does not reap (PID 1 in many containers) stays a zombie, which
     * {@link ProcessHandle#isAlive()} counts as alive; it has exited all the same.
     */
    static boolean isRunning(ProcessHandle process) {
        if (!process.isAlive()) {
            return false;
        }
        Path stat = Path.of("/proc", Long.toString(process.pid()), "stat");
        try {
            String text = Files.readString(stat);
            // the state follows the parenthesised command name, which may itself contain ") "
            int end = text.lastIndexOf(')');
            return end < 0 || end + 2 >= text.length() || text.charAt(end + 2) != 'Z';
        } catch (IOException | RuntimeException e) {
            return process.isAlive();
        }
    }
}
