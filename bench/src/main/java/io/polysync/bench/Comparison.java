package io.polysync.bench;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

/**
 * A comparison mode: the throughput scenario's workload run by another scheduling library (db-scheduler, Quartz,
 * JobRunr) in a child JVM ({@link LibraryRun}) on its own fresh database, measured like Polysync's: accepted rate,
 * completion rates from the completion instants, CPU seconds of the process from /proc, and PostgreSQL transactions
 * of its database per execution from pg_stat_database. The CPU and transaction windows open once the library is
 * started and idle (its start-up and table creation are left out) and close when it has completed every job.
 */
final class Comparison implements AutoCloseable {

    private final Options options;
    private final Library library;
    private final Database db;
    private final Path work;
    private volatile Process child;

    Comparison(Options options, String name, Path work) {
        this.options = options;
        this.library = Library.of(name);
        this.db = new Database(options.adminDbUrl(), options.benchDatabase() + "_" + name.replace('-', '_'));
        this.work = work;
    }

    Database db() {
        return db;
    }

    String describe() {
        return "- one child JVM (" + JavaVersion.of(options.java()) + ", " + options.jvmOptions()
                + ", the bench's classpath) running the library's scheduler, its worker threads and the submitting "
                + "threads, on PostgreSQL database " + db.benchName()
                + " (created fresh); no broker\n" + library.describe(options.libraryWorkers(), options.librarySubmitters());
    }

    void run(Report report) throws Exception {
        db.recreate();
        Files.createDirectories(work);
        Path result = work.resolve("result.txt");
        Path log = work.resolve(library.name() + ".log");
        Files.deleteIfExists(result);
        Files.deleteIfExists(log);
        int runs = options.throughputRuns();
        Duration drain = options.drainTimeout().plus(Duration.ofSeconds(runs / 20));
        List<String> command = new ArrayList<>();
        command.add(options.java().toString());
        command.addAll(List.of(options.jvmOptions().trim().split("\\s+")));
        command.addAll(List.of("-cp", System.getProperty("java.class.path"), LibraryRun.class.getName(),
                library.name(), db.benchUrl(), Integer.toString(runs), Integer.toString(options.libraryWorkers()),
                Integer.toString(options.librarySubmitters()), Long.toString(drain.toMillis()), result.toString(),
                Integer.toString(options.warmsLibraries() ? options.warmupBurst() : 0),
                Long.toString(options.warmup().toMillis())));
        Process process = new ProcessBuilder(command).redirectError(ProcessBuilder.Redirect.appendTo(log.toFile()))
                .start();
        child = process;
        BlockingQueue<String> markers = readMarkers(process, log);
        // the child warms itself up before it reports ready
        Duration ready = options.warmsLibraries() ? options.startTimeout().plus(options.warmup()).plus(drain)
                : options.startTimeout();
        await(markers, LibraryRun.READY, ready, log);
        // let the statistics collector take in the start-up's transactions before the window opens
        Deployment.sleep(Duration.ofSeconds(2));
        long pid = process.pid();
        ProcessCost.resetPeak(pid);
        double cpuBefore = ProcessCost.cpuSeconds(pid);
        double postgresBefore = ProcessCost.postgresCpuSeconds();
        long xactBefore = db.transactions();
        OutputStream stdin = process.getOutputStream();
        send(stdin, LibraryRun.GO);
        await(markers, LibraryRun.DONE, drain.plus(Duration.ofSeconds(60)), log);
        double cpu = ProcessCost.cpuSeconds(pid) - cpuBefore;
        double postgres = ProcessCost.postgresCpuSeconds() - postgresBefore;
        double peak = ProcessCost.peakRssMiB(pid);
        Deployment.sleep(Duration.ofSeconds(2));
        long xact = db.transactions() - xactBefore;
        send(stdin, "EXIT");
        stdin.close();
        if (!process.waitFor(30, TimeUnit.SECONDS)) {
            process.destroyForcibly();
        }
        report(report, Files.readAllLines(result), runs, cpu, postgres, peak, xact);
    }

    private void report(Report report, List<String> lines, int runs, double cpu, double postgres, double peak,
                        long xact) {
        long submitted = Long.parseLong(value(lines, "submitted"));
        long refused = Long.parseLong(value(lines, "refused"));
        Instant submitStart = instant(Long.parseLong(value(lines, "submit-start")));
        Instant submitEnd = instant(Long.parseLong(value(lines, "submit-end")));
        long durableNanos = Long.parseLong(value(lines, "durable-done"));
        long pendingLeft = Long.parseLong(value(lines, "pending-left"));
        List<Instant> completions = new ArrayList<>();
        for (String line : lines.subList(lines.indexOf("completions") + 1, lines.size())) {
            completions.add(instant(Long.parseLong(line)));
        }
        completions.sort(null);
        String scenario = "throughput";
        String refusals = refused == 0 ? "none refused" : refused + " refused, first: " + value(lines, "first-refusal");
        report.add(scenario, "offered: accepted rate (" + runs + " submissions from " + options.librarySubmitters()
                + " threads)", null, submitted / Rates.seconds(submitStart, submitEnd), "runs/s", refusals);
        report.add(scenario, "completion rate, first to last no-op finished", null, Rates.firstToLast(completions),
                "runs/s", completions.size() + " of " + runs + " finished");
        report.add(scenario, "sustained rate (finished between the 10th and 90th percentile completion)", null,
                Rates.steadyMiddle(completions), "runs/s",
                "the backlog never empties during that part, so this is the rate it does not grow at");
        if (!completions.isEmpty()) {
            report.add(scenario, "first submission → last no-op finished", null,
                    Rates.seconds(submitStart, completions.get(completions.size() - 1)), "s", null);
        }
        report.add(scenario, "first submission → the library's tables hold every job completed", null,
                durableNanos < 0 ? Double.NaN : Rates.seconds(submitStart, instant(durableNanos)), "s",
                durableNanos < 0 ? pendingLeft + " still pending 30 s after the last no-op" : "polled every 50 ms");
        report.add(scenario, "cost: CPU seconds, the library's JVM (submitters included)", null, cpu, "CPU s",
                library.name() + " " + Report.number(cpu) + " CPU s, peak RSS " + Report.number(peak) + " MiB");
        Cost.reportPostgres(report, scenario, postgres);
        if (!completions.isEmpty()) {
            report.add(scenario, "cost: CPU per execution, the library's JVM + PostgreSQL", null,
                    1000 * (cpu + (Double.isNaN(postgres) ? 0 : postgres)) / completions.size(), "ms",
                    "JVM " + Report.number(1000 * cpu / completions.size()) + ", PostgreSQL "
                            + Report.number(1000 * postgres / completions.size()) + " ms");
        }
        report.add(scenario, "cost: PostgreSQL transactions per execution", null,
                completions.isEmpty() ? Double.NaN : (double) xact / completions.size(), "xact/run",
                xact + " transactions, " + completions.size() + " executions");
        if (completions.size() < runs) {
            report.note("throughput: only " + completions.size() + " of " + runs + " no-ops finished within the "
                    + "drain timeout");
        }
    }

    /** Marker lines of the child's stdout in a queue; every line is also appended to its log. */
    private static BlockingQueue<String> readMarkers(Process process, Path log) {
        BlockingQueue<String> markers = new LinkedBlockingQueue<>();
        Thread reader = new Thread(() -> {
            try (BufferedReader out = new BufferedReader(new InputStreamReader(process.getInputStream(),
                    StandardCharsets.UTF_8))) {
                for (String line = out.readLine(); line != null; line = out.readLine()) {
                    if (line.equals(LibraryRun.READY) || line.equals(LibraryRun.DONE)) {
                        markers.add(line);
                    }
                    Files.writeString(log, line + "\n", StandardOpenOption.CREATE, StandardOpenOption.APPEND);
                }
            } catch (IOException e) {
                markers.add("stdout closed: " + e.getMessage());
            }
            markers.add("exited");
        }, "library-stdout");
        reader.setDaemon(true);
        reader.start();
        return markers;
    }

    private void await(BlockingQueue<String> markers, String marker, Duration timeout, Path log)
            throws InterruptedException {
        String line = markers.poll(timeout.toMillis(), TimeUnit.MILLISECONDS);
        if (!marker.equals(line)) {
            throw new IllegalStateException(library.name() + ": expected " + marker + " within " + timeout + ", got "
                    + (line == null ? "nothing" : line) + "; see " + log);
        }
    }

    private static void send(OutputStream stdin, String line) throws IOException {
        stdin.write((line + "\n").getBytes(StandardCharsets.UTF_8));
        stdin.flush();
    }

    private static String value(List<String> lines, String key) {
        return lines.stream().filter(l -> l.startsWith(key + " ")).map(l -> l.substring(key.length() + 1))
                .findFirst().orElseThrow(() -> new IllegalStateException("the result file has no " + key));
    }

    private static Instant instant(long epochNanos) {
        return Instant.ofEpochSecond(0, epochNanos);
    }

    /** Kills the child JVM if it still runs; safe to call twice and from a shutdown hook. */
    @Override
    public void close() {
        Process p = child;
        if (p != null && p.isAlive()) {
            p.destroyForcibly();
        }
    }
}
