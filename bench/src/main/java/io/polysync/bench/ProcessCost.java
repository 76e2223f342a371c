package io.polysync.bench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

/**
 * CPU time and peak resident memory of one Linux process, from /proc. The peak (VmHWM) is reset at the start of a
 * scenario by writing 5 to clear_refs, so each scenario reports its own peak rather than the process's lifetime one.
 */
public final class ProcessCost {

    /** USER_HZ: the unit of utime and stime in /proc/[pid]/stat; 100 on every mainstream Linux build. */
    static final double TICKS_PER_SECOND = clockTicks();

    private ProcessCost() {
    }

    /** User plus system CPU seconds the process has used so far, or NaN when it is gone. */
    public static double cpuSeconds(long pid) {
        try {
            String stat = Files.readString(Path.of("/proc", Long.toString(pid), "stat"));
            return cpuSecondsOf(stat);
        } catch (IOException e) {
            return Double.NaN;
        }
    }

    /** Parses a /proc/[pid]/stat line; the command name in parentheses may itself hold spaces and parentheses. */
    static double cpuSecondsOf(String stat) {
        String[] fields = fieldsAfterName(stat);
        // after "(comm) ": state is field 3 of the man page, utime 14 and stime 15
        long utime = Long.parseLong(fields[14 - 3]);
        long stime = Long.parseLong(fields[15 - 3]);
        return (utime + stime) / TICKS_PER_SECOND;
    }

    /** As {@link #cpuSecondsOf}, plus what the children the process waited for used (cutime 16 and cstime 17). */
    static double cpuSecondsWithReapedChildrenOf(String stat) {
        String[] fields = fieldsAfterName(stat);
        long children = Long.parseLong(fields[16 - 3]) + Long.parseLong(fields[17 - 3]);
        return cpuSecondsOf(stat) + children / TICKS_PER_SECOND;
    }

    private static String[] fieldsAfterName(String stat) {
        return stat.substring(stat.lastIndexOf(')') + 2).trim().split("\\s+");
    }

    /**
     * CPU seconds used so far by the PostgreSQL server on this machine, or NaN when none runs here: every process
     * named {@code postgres} (postmaster, background workers, live backends), each with its reaped children, so a
     * backend that ended still counts, in its postmaster. It is the whole server: other databases' work counts too.
     */
    public static double postgresCpuSeconds() {
        double total = 0;
        boolean found = false;
        try (Stream<Path> processes = Files.list(Path.of("/proc"))) {
            for (Path process : (Iterable<Path>) processes::iterator) {
                if (!process.getFileName().toString().chars().allMatch(Character::isDigit)) {
                    continue;
                }
                try {
                    String stat = Files.readString(process.resolve("stat"));
                    if (stat.substring(stat.indexOf('(') + 1, stat.lastIndexOf(')')).equals("postgres")) {
                        total += cpuSecondsWithReapedChildrenOf(stat);
                        found = true;
                    }
                } catch (IOException e) {
                    // the process ended between the listing and the read; its postmaster reaps its time
                }
            }
        } catch (IOException e) {
            return Double.NaN;
        }
        return found ? total : Double.NaN;
    }

    /** CPU seconds this benchmark's JVM has used: the load generator, its HTTP and Kafka clients, its polls. */
    public static double ownCpuSeconds() {
        return cpuSeconds(ProcessHandle.current().pid());
    }

    /**
     * CPU seconds used so far by each group of the process's threads ({@link ThreadGroups}), read from
     * /proc/[pid]/task; threads that ended meanwhile are not counted, so the groups add up to at most the process.
     */
    public static Map<String, Double> cpuSecondsByThreadGroup(long pid) {
        Map<String, Double> groups = new HashMap<>();
        Path tasks = Path.of("/proc", Long.toString(pid), "task");
        try (Stream<Path> threads = Files.list(tasks)) {
            threads.forEach(thread -> {
                try {
                    String stat = Files.readString(thread.resolve("stat"));
                    String name = stat.substring(stat.indexOf('(') + 1, stat.lastIndexOf(')'));
                    groups.merge(ThreadGroups.of(name), cpuSecondsOf(stat), Double::sum);
                } catch (IOException e) {
                    // the thread ended between the listing and the read
                }
            });
        } catch (IOException e) {
            return Map.of();
        }
        return groups;
    }

    /** Peak resident set size in MiB since start or the last {@link #resetPeak}, or NaN when it is gone. */
    public static double peakRssMiB(long pid) {
        return statusKiB(pid, "VmHWM:") / 1024.0;
    }

    public static double rssMiB(long pid) {
        return statusKiB(pid, "VmRSS:") / 1024.0;
    }

    public static void resetPeak(long pid) {
        try {
            Files.writeString(Path.of("/proc", Long.toString(pid), "clear_refs"), "5");
        } catch (IOException | SecurityException e) {
            // not fatal: the peak then covers the process's whole life, which the report's README says may happen
        }
    }

    static double statusKiB(String status, String key) {
        for (String line : status.split("\n")) {
            if (line.startsWith(key)) {
                return Long.parseLong(line.substring(key.length()).trim().split("\\s+")[0]);
            }
        }
        return Double.NaN;
    }

    private static double statusKiB(long pid, String key) {
        try {
            return statusKiB(Files.readString(Path.of("/proc", Long.toString(pid), "status")), key);
        } catch (IOException e) {
            return Double.NaN;
        }
    }

    private static double clockTicks() {
        try {
            Process p = new ProcessBuilder(List.of("getconf", "CLK_TCK")).redirectErrorStream(true).start();
            String out = new String(p.getInputStream().readAllBytes()).trim();
            p.waitFor();
            return Double.parseDouble(out);
        } catch (IOException | NumberFormatException e) {
            return 100;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return 100;
        }
    }
}
