package io.polysync.bench;

import io.polysync.systemtest.harness.OsProcess;

import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.stream.Collectors;

/**
 * Scenario 6, taken around every other scenario: CPU seconds and peak RSS per process, and PostgreSQL transactions
 * of the bench database per run completed. Beside them the CPU the PostgreSQL server and the benchmark itself used,
 * which share the machine with Polysync: per run, the three say where a saturated machine's cores went.
 */
public final class Cost {

    private final Map<String, Long> pids = new LinkedHashMap<>();
    private final Map<String, Double> cpu = new LinkedHashMap<>();
    private final Map<String, Map<String, Double>> threadCpu = new LinkedHashMap<>();
    private final Deployment deployment;
    private final Database db;
    private final long transactions;
    private final long succeeded;
    private final double postgresCpu;
    private final double ownCpu;

    private Cost(Deployment deployment, Database db) {
        this.deployment = deployment;
        this.db = db;
        deployment.processes().forEach((name, p) -> {
            if (p.isAlive()) {
                pids.put(name, p.pid());
                cpu.put(name, ProcessCost.cpuSeconds(p.pid()));
                threadCpu.put(name, ProcessCost.cpuSecondsByThreadGroup(p.pid()));
                ProcessCost.resetPeak(p.pid());
            }
        });
        this.transactions = db.transactions();
        this.succeeded = succeeded(db);
        this.postgresCpu = ProcessCost.postgresCpuSeconds();
        this.ownCpu = ProcessCost.ownCpuSeconds();
    }

    public static Cost start(Deployment deployment, Database db) {
        return new Cost(deployment, db);
    }

    public void finish(Report report, String scenario) {
        StringBuilder detail = new StringBuilder();
        double total = 0;
        for (Map.Entry<String, OsProcess> e : deployment.processes().entrySet()) {
            OsProcess p = e.getValue();
            if (!p.isAlive() || !pids.containsKey(e.getKey())) {
                continue;
            }
            boolean restarted = p.pid() != pids.get(e.getKey());
            double used = ProcessCost.cpuSeconds(p.pid()) - (restarted ? 0 : cpu.get(e.getKey()));
            total += used;
            if (!restarted) {
                report.add(scenario, "cost: where " + e.getKey() + "'s CPU went", null, used, "CPU s",
                        byThreadGroup(threadCpu.get(e.getKey()), ProcessCost.cpuSecondsByThreadGroup(p.pid()), used));
            }
            detail.append(e.getKey()).append(' ').append(Report.number(used)).append(" CPU s, peak RSS ")
                    .append(Report.number(ProcessCost.peakRssMiB(p.pid()))).append(" MiB")
                    .append(restarted ? " (restarted: since its restart)" : "").append("; ");
        }
        report.add(scenario, "cost: CPU seconds, all Polysync processes", null, total, "CPU s", detail.toString());
        double postgres = ProcessCost.postgresCpuSeconds() - postgresCpu;
        double own = ProcessCost.ownCpuSeconds() - ownCpu;
        reportPostgres(report, scenario, postgres);
        report.add(scenario, "cost: CPU seconds, the benchmark (load, HTTP client, polls)", null, own, "CPU s", null);
        // pg_stat_database is updated when a backend reports, at most about once a second: let it catch up
        Deployment.sleep(java.time.Duration.ofSeconds(2));
        long runs = succeeded(db) - succeeded;
        if (runs > 0) {
            report.add(scenario, "cost: CPU per run SUCCEEDED, Polysync + PostgreSQL + benchmark", null,
                    1000 * (total + (Double.isNaN(postgres) ? 0 : postgres) + own) / runs, "ms",
                    "Polysync " + Report.number(1000 * total / runs) + ", PostgreSQL "
                            + Report.number(1000 * postgres / runs) + ", benchmark "
                            + Report.number(1000 * own / runs) + " ms; " + runs + " runs");
        }
        long xact = db.transactions() - transactions;
        // judged only where the scenario is the hot path alone: the others also create tasks and wait at low rates
        boolean hotPath = scenario.startsWith("throughput");
        report.add(scenario, "cost: PostgreSQL transactions per run SUCCEEDED", runs > 0 && hotPath ? "cost.pg-xact" : null,
                runs > 0 ? (double) xact / runs : Double.NaN, "xact/run", xact + " transactions, " + runs + " runs");
    }

    /** The thread groups' shares of {@code used}, largest first, those under 2 % left out. */
    static String byThreadGroup(Map<String, Double> before, Map<String, Double> after, double used) {
        return byThreadGroup(before, after, used, 0.02);
    }

    /** The thread groups' shares of {@code used}, largest first, those under {@code minShare} left out. */
    static String byThreadGroup(Map<String, Double> before, Map<String, Double> after, double used,
                                double minShare) {
        return after.entrySet().stream()
                .map(e -> Map.entry(e.getKey(), e.getValue() - before.getOrDefault(e.getKey(), 0.0)))
                .filter(e -> used > 0 && e.getValue() / used >= minShare)
                .sorted(Map.Entry.<String, Double>comparingByValue(Comparator.reverseOrder()))
                .map(e -> e.getKey() + " " + Math.round(100 * e.getValue() / used) + " %")
                .collect(Collectors.joining(", "));
    }

    private static long succeeded(Database db) {
        try {
            return db.count("SELECT count(*) FROM dispatcher.task_run WHERE state = 'SUCCEEDED'");
        } catch (IllegalStateException e) {
            return 0;
        }
    }

    /** The PostgreSQL server's CPU row, shared with the compared libraries' reports; NaN when no server runs here. */
    static void reportPostgres(Report report, String scenario, double postgresCpuSeconds) {
        report.add(scenario, "cost: CPU seconds, the PostgreSQL server", null, postgresCpuSeconds, "CPU s",
                Double.isNaN(postgresCpuSeconds) ? "no postgres process on this machine"
                        : "every postgres process here");
    }
}
