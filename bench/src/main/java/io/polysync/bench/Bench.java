package io.polysync.bench;

import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.atomic.AtomicReference;

/**
 * The benchmark program: for each mode, a fresh bench database, the deployment started from the packaged jars, the
 * selected scenarios one after another with their cost, and one result file per mode in bench/results. A scenario
 * that fails is reported and the next one runs; when a scenario leaves runs unfinished past the drain timeout, the
 * deployment is started afresh on a new database so the next scenario is not measured behind that backlog.
 */
public final class Bench {

    /** The scenarios measured on warm JVMs ({@link WarmUp}); scale measures a restart and an idle scheduler. */
    private static final Set<String> WARMED = Set.of("throughput", "latency", "handoff", "cron");
    private static final Map<String, Scenario> SCENARIOS = Map.of(
            "throughput", new ThroughputScenario(),
            "latency", new LatencyScenario(),
            "handoff", new HandoffScenario(),
            "cron", new CronScenario(),
            "scale", new ScaleScenario());

    private final Options options;
    private final Database db;
    private final AtomicReference<Deployment> running = new AtomicReference<>();
    private final AtomicReference<Comparison> comparing = new AtomicReference<>();

    private Bench(Options options) {
        this.options = options;
        this.db = new Database(options.adminDbUrl(), options.benchDatabase());
    }

    public static void main(String[] args) {
        Options options;
        try {
            options = Options.parse(args);
        } catch (IllegalArgumentException e) {
            System.err.println(e.getMessage());
            System.exit(2);
            return;
        }
        Bench bench = new Bench(options);
        // processes die with the benchmark, also on Ctrl-C and on failure
        Runtime.getRuntime().addShutdownHook(new Thread(bench::stopRunning, "bench-stop"));
        int failures = 0;
        for (String mode : options.modes()) {
            try {
                failures += Library.NAMES.contains(mode) ? bench.runLibraryMode(mode) : bench.runMode(mode);
            } catch (RuntimeException e) {
                failures++;
                System.err.println("mode " + mode + " failed: " + e.getMessage());
                e.printStackTrace();
            } finally {
                bench.stopRunning();
            }
        }
        System.exit(failures == 0 ? 0 : 1);
    }

    private int runMode(String mode) {
        Report report = new Report();
        Instant started = Instant.now();
        Path work = options.root().resolve("bench").resolve("target").resolve("work").resolve(mode);
        String loadBefore = Machine.loadAverage();
        String machine = Machine.describe(db, options.root());
        System.out.println("== " + mode + " (" + (options.quick() ? "quick" : "full") + ") ==");
        Deployment deployment = deploy(mode, work);
        int failures = 0;
        List<String> selected = Options.ALL_SCENARIOS.stream().filter(options.scenarios()::contains).toList();
        for (String name : selected) {
            Scenario scenario = SCENARIOS.get(name);
            System.out.println("-- " + scenario.name() + " (" + mode + ")");
            Context context = new Context(options, deployment, db, report);
            Cost cost = Cost.start(deployment, db);
            try {
                scenario.run(context);
            } catch (Exception e) {
                failures++;
                report.note(scenario.name() + " FAILED: " + e.getMessage());
                e.printStackTrace();
            } finally {
                context.close();
            }
            try {
                cost.finish(report, scenario.name());
            } catch (RuntimeException e) {
                report.note(scenario.name() + ": cost not measured: " + e.getMessage());
            }
            if (!name.equals(selected.get(selected.size() - 1))) {
                deployment = settle(mode, work, deployment, report, scenario.name());
            }
        }
        write(mode, started, machine, loadBefore, describe(mode), options.describe(), report,
                "Targets are those of io.polysync.bench.Targets (where issue 10 named no bound, a reading of its "
                        + "loads: see that class); \"MISSED by\" gives the distance to the target and its share of it. "
                        + "A load average well above nproc means other work shared the machine and the figures "
                        + "understate Polysync.");
        return failures;
    }

    /**
     * A comparison mode: the throughput workload run by another library in a child JVM on its own fresh database
     * (bench/README.md, "Comparison with other schedulers").
     */
    private int runLibraryMode(String mode) {
        Report report = new Report();
        Instant started = Instant.now();
        Path work = options.root().resolve("bench").resolve("target").resolve("work").resolve(mode);
        Comparison comparison = new Comparison(options, mode, work);
        String loadBefore = Machine.loadAverage();
        String machine = Machine.describe(comparison.db(), options.root());
        System.out.println("== " + mode + " (" + (options.quick() ? "quick" : "full") + ") ==");
        System.out.println("-- throughput (" + mode + ")");
        comparing.set(comparison);
        int failures = 0;
        try {
            comparison.run(report);
        } catch (Exception e) {
            failures++;
            report.note("throughput FAILED: " + e.getMessage());
            e.printStackTrace();
        } finally {
            comparing.set(null);
            comparison.close();
        }
        String settings = String.join("\n",
                "- preset: " + (options.quick() ? "QUICK (small sizes; a smoke test, not a measurement)" : "full"),
                "- scenario: throughput only: " + options.throughputRuns() + " one-time no-op jobs to run now, "
                        + "submitted as fast as the library accepts them, drain timeout "
                        + options.drainTimeout().toSeconds() + " s plus 1 s per 20 runs",
                !options.warmsLibraries() ? "- warm-up: none"
                        : "- warm-up, unmeasured, before the library reports ready: bursts of " + options.warmupBurst()
                                + " jobs submitted the same way, each until the library's tables hold them all "
                                + "completed, for " + options.warmup().toSeconds() + " s (at least one burst)",
                "- completion instant: System.nanoTime() when the no-op job returns, kept in an array by index "
                        + "(io.polysync.bench.Completions); the library's tables are then polled until they hold "
                        + "every job completed");
        write(mode, started, machine, loadBefore, comparison.describe(), settings, report,
                "Compare these figures with the throughput rows of a Polysync result file from the same machine and "
                        + "PostgreSQL; bench/README.md says what differs in what each side does per run. A load "
                        + "average well above nproc means other work shared the machine.");
        return failures;
    }

    private void write(String mode, Instant started, String machine, String loadBefore, String deployment,
                       String settings, Report report, String reading) {
        String stamp = DateTimeFormatter.ofPattern("yyyyMMdd'T'HHmmss'Z'").withZone(ZoneOffset.UTC).format(started);
        String loadAfter = Machine.loadAverage();
        Path file = options.root().resolve("bench").resolve("results")
                .resolve(stamp + "-" + mode + (options.quick() ? "-quick" : "") + ".md");
        String title = Library.NAMES.contains(mode) ? "Comparison benchmark: " + mode : "Polysync benchmark: " + mode;
        String header = "# " + title + (options.quick() ? " (QUICK preset: not a measurement)" : "")
                + "\n\nStarted " + started + ", finished " + Instant.now() + ".\n\n## Machine\n\n" + machine
                + "\n- load average before: " + loadBefore + "\n- load average after: " + loadAfter
                + "\n\n## Deployment\n\n" + deployment + "\n\n## Settings\n\n" + settings + "\n";
        String footer = "## How to read this\n\nbench/README.md explains every figure. " + reading + "\n";
        report.write(file, header, footer);
        System.out.println();
        System.out.println(report.table());
        System.out.println(report.notes());
        System.out.println("written to " + file);
    }

    private Deployment deploy(String mode, Path work) {
        stopRunning();
        db.recreate();
        Deployment deployment = mode.equals("standalone")
                ? new Deployment.Standalone(options, work, db.benchUrl())
                : new Deployment.Distributed(options, work, db.benchUrl());
        running.set(deployment);
        Instant start = Instant.now();
        deployment.start();
        System.out.println("   " + mode + " ready in " + Report.number(Rates.seconds(start, Instant.now())) + " s");
        new PolysyncApi(deployment.apiUrl()).ensureNoopJob();
        if (options.scenarios().stream().anyMatch(WARMED::contains)) {
            Context context = new Context(options, deployment, db, new Report());
            try {
                WarmUp.run(context);
            } finally {
                context.close();
            }
        }
        return deployment;
    }

    /**
     * Waits for what the scenario left running to finish; if it does not within the drain timeout, starts the
     * deployment afresh, so the next scenario does not queue behind the backlog.
     */
    private Deployment settle(String mode, Path work, Deployment deployment, Report report, String scenario) {
        Context probe = new Context(options, deployment, db, report);
        long left;
        try {
            probe.awaitNoneLeft("runs unfinished after " + scenario, db::unfinished, options.drainTimeout());
            left = db.unfinished();
        } catch (RuntimeException e) {
            left = -1;
        }
        boolean dead = deployment.processes().values().stream().anyMatch(p -> !p.isAlive());
        if (left == 0 && !dead) {
            return deployment;
        }
        report.note("after " + scenario + ": " + (dead ? "a process had died (logs in " + work + "); "
                : left + " runs still unfinished after the drain timeout; ")
                + "the deployment was restarted on a fresh database for the next scenario");
        return deploy(mode, work);
    }

    private String describe(String mode) {
        return mode.equals("standalone")
                ? "- standalone/target/polysync-standalone.jar: the four services and an embedded KRaft broker in one "
                        + "JVM, on PostgreSQL database " + options.benchDatabase() + " (created fresh)"
                : "- one Kafka broker process (KRaft, -Xmx512m), task-service (API), one scheduler-service, one "
                        + "dispatcher-service, two worker-service processes, each <module>/target/<module>.jar, on "
                        + "PostgreSQL database " + options.benchDatabase() + " (created fresh)";
    }

    private void stopRunning() {
        Comparison comparison = comparing.getAndSet(null);
        if (comparison != null) {
            comparison.close();
        }
        Deployment deployment = running.getAndSet(null);
        if (deployment != null) {
            deployment.close();
        }
    }

    /** The machine's description for the result file. */
    static final class Machine {

        static String describe(Database db, Path root) {
            return String.join("\n",
                    "- code: " + codeVersion(root),
                    "- nproc: " + Runtime.getRuntime().availableProcessors(),
                    "- memory: " + firstLine("/proc/meminfo", "MemTotal:"),
                    // the model name alone ("AMD EPYC") does not tell machines of one kind apart; the clock does a bit
                    "- CPU: " + firstLine("/proc/cpuinfo", "model name") + ", "
                            + firstLine("/proc/cpuinfo", "cpu MHz") + " MHz",
                    "- kernel: " + read("/proc/sys/kernel/osrelease"),
                    "- Java: " + System.getProperty("java.vm.name") + " " + System.getProperty("java.runtime.version"),
                    // the load generator shares the cores; its own JIT settings change what is left for the rest
                    "- benchmark JVM options: " + jvmOptions(),
                    "- PostgreSQL: " + db.version(),
                    "- PostgreSQL synchronous_commit: " + db.setting("synchronous_commit")
                            + ", fsync: " + db.setting("fsync")
                            // off, the services vacuum and analyze their own tables (TableMaintenance)
                            + ", autovacuum: " + db.setting("autovacuum"));
        }

        private static String jvmOptions() {
            List<String> arguments = ManagementFactory.getRuntimeMXBean().getInputArguments();
            return arguments.isEmpty() ? "none" : String.join(" ", arguments);
        }

        /** The commit the result belongs to, so a figure can be traced to its code; "unknown" without git. */
        static String codeVersion(Path root) {
            String commit = git(root, "rev-parse", "--short=12", "HEAD");
            if (commit.isEmpty()) {
                return "unknown (no git checkout at " + root.toAbsolutePath() + ")";
            }
            return commit + (git(root, "status", "--porcelain", "--untracked-files=no").isEmpty()
                    ? "" : " with uncommitted changes");
        }

        private static String git(Path root, String... args) {
            List<String> command = new ArrayList<>(List.of("git", "-C", root.toString()));
            command.addAll(List.of(args));
            try {
                // stderr discarded: a warning git prints on success must not end up in the commit id
                Process process = new ProcessBuilder(command).redirectError(ProcessBuilder.Redirect.DISCARD).start();
                String out = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8).trim();
                return process.waitFor() == 0 ? out : "";
            } catch (IOException e) {
                return "";
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return "";
            }
        }

        static String loadAverage() {
            return read("/proc/loadavg");
        }

        private static String firstLine(String file, String prefix) {
            try {
                return Files.readAllLines(Path.of(file)).stream().filter(l -> l.startsWith(prefix))
                        .map(l -> l.substring(l.indexOf(':') + 1).trim()).findFirst().orElse("unknown");
            } catch (IOException e) {
                return "unknown";
            }
        }

        private static String read(String file) {
            try {
                return Files.readString(Path.of(file)).trim();
            } catch (IOException e) {
                return "unknown";
            }
        }
    }

}
