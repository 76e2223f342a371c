package io.polysync.systemtest.scenario;

import io.polysync.model.Json;
import io.polysync.model.cron.CronSchedule;
import io.polysync.systemtest.harness.Api;
import io.polysync.systemtest.harness.ServiceProcess;
import io.polysync.systemtest.harness.SystemCluster;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.awaitility.Awaitility;
import tools.jackson.databind.JsonNode;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;

/**
 * Scenario 4's reading of schedule fires: which scheduler replica holds a task's schedule (its
 * {@code polysync.scheduler.schedules} gauge), and the fires of a task from the run ledger and the trigger topic,
 * checked against the cron and the task's misfire policy (DESIGN.md section 10 rule 19).
 */
final class ScheduleFires {

    /** How much later than the fire plan's "now" the trigger's occurredAt may be taken (same transaction). */
    static final Duration PLAN_SLACK = Duration.ofMillis(500);

    private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();

    private final SystemCluster cluster;

    ScheduleFires(SystemCluster cluster) {
        this.cluster = cluster;
    }

    /** Schedule timers a scheduler replica holds, from its Prometheus endpoint. */
    static long held(ServiceProcess scheduler) {
        try {
            HttpResponse<String> r = HTTP.send(HttpRequest.newBuilder(
                            URI.create("http://127.0.0.1:" + scheduler.port() + "/actuator/prometheus"))
                    .timeout(Duration.ofSeconds(5)).GET().build(), HttpResponse.BodyHandlers.ofString());
            if (r.statusCode() != 200) {
                throw new IllegalStateException(scheduler + " metrics answered " + r.statusCode());
            }
            return r.body().lines().filter(l -> l.startsWith("polysync_scheduler_schedules"))
                    .mapToLong(l -> (long) Double.parseDouble(l.substring(l.lastIndexOf(' ') + 1))).sum();
        } catch (java.io.IOException e) {
            throw new IllegalStateException(scheduler + " metrics: " + e, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    /**
     * Saves the task with {@code fields} (which hold one schedule) and answers the scheduler replica that armed it:
     * the one whose held schedules went up by one.
     */
    ServiceProcess saveAndFindOwner(Api api, String task, Map<String, Object> fields) {
        List<ServiceProcess> schedulers = cluster.replicas("scheduler");
        Map<ServiceProcess, Long> before = new LinkedHashMap<>();
        schedulers.forEach(s -> before.put(s, held(s)));
        api.effectTask(task, 0, fields);
        List<ServiceProcess> owner = new ArrayList<>();
        Awaitility.await("the schedule of " + task + " armed by one scheduler").atMost(Duration.ofSeconds(30))
                .pollInterval(Duration.ofMillis(200)).ignoreExceptions().until(() -> {
                    owner.clear();
                    long grew = 0;
                    for (ServiceProcess s : schedulers) {
                        long delta = held(s) - before.get(s);
                        grew += delta;
                        if (delta == 1) {
                            owner.add(s);
                        }
                    }
                    return grew == 1 && owner.size() == 1;
                });
        return owner.get(0);
    }

    /** One SCHEDULE fire of a task as the trigger topic and the ledger have it. */
    record Fire(Instant scheduledFor, Instant occurredAt, Instant queuedAt) {
    }

    /** The task's SCHEDULE fires, one per instant as the trigger topic has them, ascending. */
    List<Fire> fires(String task) {
        Map<UUID, JsonNode> triggers = new LinkedHashMap<>();
        for (ConsumerRecord<String, String> record : cluster.topics().readAll("polysync.triggers")) {
            JsonNode t = parse(record.value());
            if (t != null && task.equals(t.path("taskName").asString())
                    && "SCHEDULE".equals(t.path("triggerType").asString())) {
                triggers.putIfAbsent(UUID.fromString(t.path("triggerId").asString()), t);
            }
        }
        Map<UUID, Instant> queued = new HashMap<>();
        cluster.ledger().query("SELECT trigger_id, queued_at FROM dispatcher.task_run WHERE task_name = ? "
                        + "AND trigger_type = 'SCHEDULE'", rs -> queued.put((UUID) rs.getObject(1),
                        rs.getTimestamp(2).toInstant()), task);
        List<Fire> fires = new ArrayList<>();
        triggers.forEach((id, t) -> fires.add(new Fire(Instant.parse(t.path("scheduledFor").asString()),
                Instant.parse(t.path("occurredAt").asString()), queued.get(id))));
        fires.sort(Comparator.comparing(Fire::scheduledFor));
        return fires;
    }

    /**
     * Every violation of the schedule promises in the task's fires: one run per instant (ledger), every fire an
     * instant of the cron, never early (trigger and queue time), and after each hole in the sequence exactly what
     * the misfire policy allows: {@code policyFires} instants older than the misfire cutoff, then an instant that
     * was not. {@code holes} collects the holes found, as text, for the scenario's own expectations.
     */
    List<String> violations(String task, String cron, int policyFires, List<String> holes) {
        List<String> violations = new ArrayList<>();
        cluster.ledger().query("SELECT scheduled_for, count(*) FROM dispatcher.task_run WHERE task_name = ? "
                        + "AND trigger_type = 'SCHEDULE' GROUP BY scheduled_for HAVING count(*) > 1",
                rs -> violations.add(task + ": " + rs.getLong(2) + " runs for the fire instant "
                        + rs.getTimestamp(1).toInstant()), task);
        cluster.ledger().query("SELECT run_id, scheduled_for, queued_at FROM dispatcher.task_run WHERE task_name = ? "
                        + "AND trigger_type = 'SCHEDULE' AND (scheduled_for IS NULL OR queued_at < scheduled_for)",
                rs -> violations.add(task + ": run " + rs.getObject(1) + " for " + rs.getTimestamp(2)
                        + " queued early at " + rs.getTimestamp(3).toInstant()), task);
        violations.addAll(violations(task, fires(task), CronSchedule.parse(cron, "UTC"), policyFires,
                SystemCluster.MISFIRE_THRESHOLD, holes));
        return violations;
    }

    /** The checks of {@link #violations(String, String, int, List)} on fires read already (ascending). */
    static List<String> violations(String task, List<Fire> fires, CronSchedule schedule, int policyFires,
                                   Duration threshold, List<String> holes) {
        List<String> violations = new ArrayList<>();
        String cron = schedule.cron();
        Set<Instant> seen = new HashSet<>();
        for (Fire f : fires) {
            if (!seen.add(f.scheduledFor())) {
                violations.add(task + ": two triggers for " + f.scheduledFor());
            }
            if (f.queuedAt() == null) {
                violations.add(task + ": the trigger for " + f.scheduledFor() + " has no run in the ledger");
            }
            if (f.occurredAt().isBefore(f.scheduledFor())) {
                violations.add(task + ": fired early, at " + f.occurredAt() + " for " + f.scheduledFor());
            }
            Instant expected = schedule.next(f.scheduledFor().minusNanos(1)).orElseThrow();
            if (!expected.equals(f.scheduledFor())) {
                violations.add(task + ": " + f.scheduledFor() + " is not an instant of " + cron);
            }
        }
        for (int i = 0; i + 1 < fires.size(); i++) {
            Instant next = schedule.next(fires.get(i).scheduledFor()).orElseThrow();
            Instant after = fires.get(i + 1).scheduledFor();
            if (!after.isAfter(next)) {
                continue;
            }
            int missing = 0;
            for (Instant m = next; m.isBefore(after); m = schedule.next(m).orElseThrow()) {
                missing++;
            }
            holes.add(missing + " instants from " + next + " not fired, then " + after);
            // the replica that fired after the hole judged the instants before its cutoff missed; the policy fired
            // the latest policyFires of them, then every instant after the cutoff
            for (int k = 1; k <= policyFires + 1; k++) {
                if (i + k >= fires.size()) {
                    violations.add(task + ": after the hole before " + after + " only " + (k - 1)
                            + " fires; the policy fires " + policyFires + " missed instants and then the on-time ones");
                    break;
                }
                Fire f = fires.get(i + k);
                Instant cutoff = f.occurredAt().minus(threshold);
                if (k <= policyFires && !f.scheduledFor().isBefore(cutoff)) {
                    violations.add(task + ": a hole of " + missing + " before " + after + ", yet fire " + k
                            + " after it (" + f.scheduledFor() + ", fired " + f.occurredAt() + ") was not a missed "
                            + "instant: the policy fires " + policyFires + " missed instants");
                }
                if (k == policyFires + 1 && f.scheduledFor().isBefore(cutoff.minus(PLAN_SLACK))) {
                    violations.add(task + ": fire " + k + " after the hole before " + after + " ("
                            + f.scheduledFor() + ", fired " + f.occurredAt() + ") is a missed instant too: the "
                            + "policy fires only " + policyFires);
                }
            }
        }
        return violations;
    }

    /** How many of the fires were made more than {@code over} after their instant. */
    static long lateBy(List<Fire> fires, Duration over) {
        return fires.stream().filter(f -> f.occurredAt().isAfter(f.scheduledFor().plus(over))).count();
    }

    private static JsonNode parse(String value) {
        try {
            JsonNode node = value == null ? null : Json.tree(value);
            return node != null && node.isObject() && node.hasNonNull("triggerId") ? node : null;
        } catch (RuntimeException e) {
            return null;
        }
    }
}
