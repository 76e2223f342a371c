package io.polysync.bench;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The benchmark's settings, from {@code --key=value} arguments over the full-size defaults, or over the
 * {@code --quick} preset's small sizes. Every field is printed in the result file.
 */
public record Options(
        List<String> modes,
        String adminDbUrl,
        String benchDatabase,
        Path root,
        int basePort,
        Set<String> scenarios,
        boolean quick,
        int throughputRuns,
        String throughputVia,
        int throughputTasks,
        int httpConcurrency,
        List<Integer> latencyRates,
        Duration latencyPhase,
        Duration latencyWarmup,
        Duration warmup,
        int warmupRate,
        int warmupBurst,
        Duration drainTimeout,
        int chains,
        int chainDepth,
        int fanOut,
        int cronEverySecondTasks,
        Duration cronWindow,
        int cronMinuteTasks,
        int scaleTasks,
        Duration idleWindow,
        int createConcurrency,
        int workerConcurrency,
        String jvmOptions,
        Path java,
        Duration startTimeout,
        int libraryWorkers,
        int librarySubmitters) {

    public static final List<String> ALL_SCENARIOS = List.of("throughput", "latency", "handoff", "cron", "scale");

    private static final Map<String, String> FULL = Map.ofEntries(
            Map.entry("mode", "both"),
            Map.entry("db", "jdbc:postgresql://127.0.0.1:5432/postgres"),
            Map.entry("bench-db", "polysync_bench"),
            Map.entry("root", "."),
            Map.entry("base-port", "21000"),
            Map.entry("scenarios", String.join(",", ALL_SCENARIOS)),
            Map.entry("throughput-runs", "20000"),
            Map.entry("throughput-via", "both"),
            Map.entry("throughput-tasks", "32"),
            Map.entry("http-concurrency", "64"),
            Map.entry("latency-rates", "50,500"),
            Map.entry("latency-phase", "30s"),
            Map.entry("latency-warmup", "10s"),
            Map.entry("warmup", "240s"),
            Map.entry("warmup-rate", "150"),
            Map.entry("warmup-burst", "10000"),
            Map.entry("drain-timeout", "300s"),
            Map.entry("chains", "10"),
            Map.entry("chain-depth", "10"),
            Map.entry("fan-out", "100"),
            Map.entry("cron-every-second-tasks", "1000"),
            Map.entry("cron-window", "60s"),
            Map.entry("cron-minute-tasks", "10000"),
            Map.entry("scale-tasks", "100000"),
            Map.entry("idle-window", "60s"),
            Map.entry("create-concurrency", "32"),
            Map.entry("worker-concurrency", "8"),
            Map.entry("jvm-options", "-Xmx1g"),
            Map.entry("java", ""),
            Map.entry("start-timeout", "300s"),
            Map.entry("library-workers", "16"),
            Map.entry("library-submitters", "8"));

    /** Small sizes that finish in a few minutes per mode: a smoke test of the benchmark, not a measurement. */
    private static final Map<String, String> QUICK = Map.ofEntries(
            Map.entry("throughput-runs", "1000"),
            Map.entry("latency-phase", "5s"),
            Map.entry("latency-warmup", "2s"),
            Map.entry("warmup", "0s"),
            Map.entry("warmup-burst", "0"),
            Map.entry("drain-timeout", "90s"),
            Map.entry("chains", "3"),
            Map.entry("chain-depth", "5"),
            Map.entry("fan-out", "20"),
            Map.entry("cron-every-second-tasks", "20"),
            Map.entry("cron-window", "15s"),
            Map.entry("cron-minute-tasks", "200"),
            Map.entry("scale-tasks", "1000"),
            Map.entry("idle-window", "15s"));

    public static Options parse(String... args) {
        Map<String, String> given = new LinkedHashMap<>();
        boolean quick = false;
        for (String arg : args) {
            if (arg.equals("--quick")) {
                quick = true;
            } else if (arg.equals("--help") || arg.equals("-h")) {
                throw new IllegalArgumentException(usage());
            } else if (arg.startsWith("--") && arg.contains("=")) {
                String key = arg.substring(2, arg.indexOf('='));
                if (!FULL.containsKey(key)) {
                    throw new IllegalArgumentException("unknown option --" + key + "\n" + usage());
                }
                given.put(key, arg.substring(arg.indexOf('=') + 1));
            } else {
                throw new IllegalArgumentException("cannot read argument " + arg + "\n" + usage());
            }
        }
        Map<String, String> v = new LinkedHashMap<>(FULL);
        if (quick) {
            v.putAll(QUICK);
        }
        v.putAll(given);
        List<String> modes = modes(v.get("mode"));
        Set<String> scenarios = new java.util.LinkedHashSet<>(Arrays.asList(v.get("scenarios").split(",")));
        if (!ALL_SCENARIOS.containsAll(scenarios)) {
            throw new IllegalArgumentException("--scenarios takes some of " + ALL_SCENARIOS + ": " + scenarios);
        }
        if (!List.of("api", "kafka", "both").contains(v.get("throughput-via"))) {
            throw new IllegalArgumentException("--throughput-via must be api, kafka or both");
        }
        return new Options(modes, v.get("db"), v.get("bench-db"), Path.of(v.get("root")).toAbsolutePath().normalize(),
                Integer.parseInt(v.get("base-port")), scenarios, quick, Integer.parseInt(v.get("throughput-runs")),
                v.get("throughput-via"), Integer.parseInt(v.get("throughput-tasks")),
                Integer.parseInt(v.get("http-concurrency")),
                Arrays.stream(v.get("latency-rates").split(",")).map(String::trim).map(Integer::parseInt).toList(),
                duration(v.get("latency-phase")), duration(v.get("latency-warmup")), duration(v.get("warmup")),
                Integer.parseInt(v.get("warmup-rate")), Integer.parseInt(v.get("warmup-burst")),
                duration(v.get("drain-timeout")),
                Integer.parseInt(v.get("chains")), Integer.parseInt(v.get("chain-depth")),
                Integer.parseInt(v.get("fan-out")),
                Integer.parseInt(v.get("cron-every-second-tasks")), duration(v.get("cron-window")),
                Integer.parseInt(v.get("cron-minute-tasks")), Integer.parseInt(v.get("scale-tasks")),
                duration(v.get("idle-window")), Integer.parseInt(v.get("create-concurrency")),
                Integer.parseInt(v.get("worker-concurrency")), v.get("jvm-options"), java(v.get("java")),
                duration(v.get("start-timeout")),
                Integer.parseInt(v.get("library-workers")), Integer.parseInt(v.get("library-submitters")));
    }

    /**
     * A comma list of standalone, distributed, both (the two of them) and the compared libraries (db-scheduler,
     * quartz, jobrunr), in the order given, each once.
     */
    static List<String> modes(String text) {
        java.util.LinkedHashSet<String> modes = new java.util.LinkedHashSet<>();
        for (String mode : text.split(",")) {
            String m = mode.trim();
            if (m.equals("both")) {
                modes.addAll(List.of("standalone", "distributed"));
            } else if (m.equals("standalone") || m.equals("distributed") || Library.NAMES.contains(m)) {
                modes.add(m);
            } else {
                throw new IllegalArgumentException("--mode takes a comma list of standalone, distributed, both, "
                        + String.join(", ", Library.NAMES) + ": " + text);
            }
        }
        return List.copyOf(modes);
    }

    /**
     * The {@code java} that runs the services and the compared libraries: the one given (a JDK or JRE home, or its
     * {@code bin/java}), or by default the benchmark's own, so that one build can be measured on two runtimes while
     * the load generator stays on one.
     */
    static Path java(String given) {
        if (given.isBlank()) {
            return Path.of(System.getProperty("java.home"), "bin", "java");
        }
        Path path = Path.of(given.trim());
        Path binary = Files.isDirectory(path) ? path.resolve("bin").resolve("java") : path;
        if (!Files.isExecutable(binary)) {
            throw new IllegalArgumentException("--java names no executable java: " + binary);
        }
        return binary.toAbsolutePath().normalize();
    }

    /** Whether the compared libraries get a warm-up: a burst size and a warm-up time, both above zero. */
    public boolean warmsLibraries() {
        return warmupBurst > 0 && !warmup.isZero();
    }

    /** {@code 30s}, {@code 5m}, {@code 500ms}. */
    static Duration duration(String text) {
        String t = text.trim();
        if (t.endsWith("ms")) {
            return Duration.ofMillis(Long.parseLong(t.substring(0, t.length() - 2)));
        } else if (t.endsWith("s")) {
            return Duration.ofSeconds(Long.parseLong(t.substring(0, t.length() - 1)));
        } else if (t.endsWith("m")) {
            return Duration.ofMinutes(Long.parseLong(t.substring(0, t.length() - 1)));
        }
        throw new IllegalArgumentException("a duration is 500ms, 30s or 5m: " + text);
    }

    public static String usage() {
        StringBuilder u = new StringBuilder("usage: java -jar bench/target/polysync-bench.jar [--quick] [--key=value ...]\n"
                + "options and their full-size defaults (--quick lowers the sizes, see bench/README.md):\n");
        new java.util.TreeMap<>(FULL).forEach((k, d) -> u.append("  --").append(k).append('=').append(d).append('\n'));
        return u.toString();
    }

    /** The settings as Markdown lines for the result file. */
    public String describe() {
        return String.join("\n",
                "- preset: " + (quick ? "QUICK (small sizes; a smoke test, not a measurement)" : "full"),
                "- scenarios: " + scenarios,
                WarmUp.describe(this),
                "- throughput: " + throughputRuns + " runs via " + throughputVia + " over " + throughputTasks
                        + " tasks, " + httpConcurrency + " concurrent HTTP requests",
                "- latency: offered loads " + latencyRates + " runs/s, " + latencyPhase.toSeconds()
                        + " s measured per load after " + latencyWarmup.toSeconds() + " s of the same load unmeasured"
                        + " (open loop), drain timeout " + drainTimeout.toSeconds() + " s",
                "- hand-off: " + chains + " chains of depth " + chainDepth + ", fan-out 1 → " + fanOut,
                "- cron: " + cronEverySecondTasks + " every-second tasks over " + cronWindow.toSeconds() + " s; "
                        + cronMinuteTasks + " tasks on one minute",
                "- scale: " + scaleTasks + " scheduled tasks, idle window " + idleWindow.toSeconds() + " s, "
                        + createConcurrency + " concurrent creations",
                "- worker concurrency: " + workerConcurrency + " per worker process (distributed: 2 workers; "
                        + "standalone: its one worker gets " + (2 * workerConcurrency) + ")",
                "- service Java: " + JavaVersion.of(java) + " (" + java + ")",
                "- service JVM options: " + jvmOptions,
                "- compared libraries (their modes only): " + libraryWorkers + " worker threads, " + librarySubmitters
                        + " submitting threads",
                "- job type: noop (sleepMillis 0), priority 50; producer acks=all (the services' default)");
    }
}
