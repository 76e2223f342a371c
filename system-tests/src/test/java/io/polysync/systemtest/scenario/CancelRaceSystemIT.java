package io.polysync.systemtest.scenario;

import io.polysync.systemtest.harness.Api;
import io.polysync.systemtest.harness.Effects;
import io.polysync.systemtest.harness.Invariants;
import io.polysync.systemtest.harness.Ledger;
import io.polysync.systemtest.harness.ServiceProcess;
import io.polysync.systemtest.harness.SystemScenario;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Scenario 10: cancel racing the end of a run. A cancel of a RUNNING run travels API, run-commands, dispatcher (a
 * "cancel requested" NOTE), worker-commands, worker; the worker's success report travels worker-reports, dispatcher.
 * Whichever terminal report the dispatcher applies first wins (DESIGN.md section 10 rule 7) and the other is rejected:
 * each run has exactly one terminal transition, and no view (ledger history, run-events, read model and its history)
 * ever shows the losing state. A QUEUED run, waiting or admitted but not started, is cancelled at once by the
 * dispatcher and its job never runs to its end.
 */
class CancelRaceSystemIT extends SystemScenario {

    /**
     * Long enough that a cancel sent as the run starts reaches its worker mid-job even on a loaded machine (the cancel
     * takes two outbox hops and two topics), short enough for many runs.
     */
    private static final double JOB_SECONDS = 2.0;
    /** Cancel this long after the run started (the worker's RunStarted), from well before to well after its end. */
    private static final List<Duration> OFFSETS = offsets();
    private static final int ROUNDS = 2;

    @Test
    void aCancelRacingTheSuccessReportEndsTheRunExactlyOnceEitherWay() {
        String task = "s10-race-" + suffix;
        api.effectTask(task, JOB_SECONDS, Map.of("retry", Map.of("enabled", false)));
        Map<UUID, Duration> offsetOf = new LinkedHashMap<>();
        for (int round = 0; round < ROUNDS; round++) {
            for (Duration offset : OFFSETS) {
                offsetOf.put(runOnce(task), offset);
            }
        }

        Map<UUID, Api.Response> answers = new ConcurrentHashMap<>();
        Set<UUID> timed = new HashSet<>();
        ScheduledExecutorService timer = Executors.newScheduledThreadPool(4);
        try {
            // each cancel is timed from the run's start as the ledger records it, so every offset hits its run at
            // the same point of its job, however long the run waited for a worker slot
            Awaitility.await("every cancel sent").atMost(Duration.ofSeconds(120)).pollInterval(Duration.ofMillis(25))
                    .until(() -> {
                        for (Map.Entry<UUID, Instant> started : startTimes(task).entrySet()) {
                            UUID runId = started.getKey();
                            if (offsetOf.containsKey(runId) && timed.add(runId)) {
                                long delay = Duration.between(Instant.now(),
                                        started.getValue().plus(offsetOf.get(runId))).toMillis();
                                timer.schedule(() -> answers.put(runId, cancel(runId)), Math.max(0, delay),
                                        TimeUnit.MILLISECONDS);
                            }
                        }
                        return answers.size() == offsetOf.size();
                    });
        } finally {
            timer.shutdownNow();
        }
        assertThat(answers.values()).extracting(Api.Response::status).allMatch(s -> s == 202 || s == 409);

        Invariants.Snapshot snapshot = awaitQuiet(Duration.ofMinutes(2));
        Map<UUID, Ledger.Run> runs = new HashMap<>();
        snapshot.runs().stream().filter(r -> offsetOf.containsKey(r.runId())).forEach(r -> runs.put(r.runId(), r));
        Map<UUID, List<Ledger.History>> history = historyOf(snapshot, offsetOf.keySet());
        Map<UUID, Set<String>> published = Invariants.publishedTerminalStates(snapshot);
        Map<UUID, Set<String>> readModelHistory = readModelTerminalStates(task);

        int cancelledRunning = 0;
        int successWonAfterCancelNote = 0;
        int lateCancelReportRejected = 0;
        for (UUID runId : offsetOf.keySet()) {
            Ledger.Run run = runs.get(runId);
            String state = run.state();
            assertThat(state).as("run " + runId + " (" + run.error() + ")").isIn("SUCCEEDED", "CANCELLED");
            List<Ledger.History> h = history.get(runId);
            // the terminal state is the only one any view ever shows
            assertThat(terminalTransitions(h)).as("terminal transitions of " + runId).containsExactly(state);
            assertThat(published.getOrDefault(runId, Set.of())).as("run-events of " + runId)
                    .containsExactly(state);
            assertThat(readModelHistory.getOrDefault(runId, Set.of())).as("read model history of " + runId)
                    .containsExactly(state);
            // nothing is applied after the terminal transition: what comes later is a NOTE at most
            int terminalAt = indexOfState(h, state);
            assertThat(h.subList(terminalAt + 1, h.size())).as("after the end of " + runId)
                    .allMatch(e -> "NOTE".equals(e.kind()));

            Api.Response answer = answers.get(runId);
            int requestNote = indexOfNote(h, "cancel requested by");
            if (answer.status() == 202) {
                // an accepted cancel is never lost: the dispatcher records what it did with it
                assertThat(requestNote >= 0 || indexOfNote(h, "cancel of a finished run ignored") >= 0
                        || h.get(terminalAt).reason().startsWith("cancelled by"))
                        .as("cancel of " + runId + " accounted for in " + h).isTrue();
            }
            if (state.equals("CANCELLED") && indexOfState(h, "RUNNING") >= 0) {
                // cancelled while RUNNING: the NOTE first, then the worker's report
                cancelledRunning++;
                assertThat(requestNote).as("cancel NOTE of " + runId).isNotNegative()
                        .isGreaterThan(indexOfState(h, "RUNNING")).isLessThan(terminalAt);
                assertThat(h.get(terminalAt).reason()).startsWith("cancelled on worker " + run.claimedBy());
            }
            if (state.equals("SUCCEEDED") && requestNote >= 0) {
                successWonAfterCancelNote++;
                assertThat(requestNote).isLessThan(terminalAt);
            }
            if (indexOfNote(h, "rejected RunCancelled") >= 0) {
                lateCancelReportRejected++;
                assertThat(state).isEqualTo("SUCCEEDED");
            }
        }
        System.out.printf("cancel race: %d runs, %d cancelled while running, %d succeeded although the cancel "
                        + "reached the dispatcher first, %d late RunCancelled rejected%n", offsetOf.size(),
                cancelledRunning, successWonAfterCancelNote, lateCancelReportRejected);
        // the offsets span the whole job, so both sides of the race were exercised
        assertThat(cancelledRunning).as("runs cancelled while running").isPositive();
        assertThat(runs.values()).extracting(Ledger.Run::state).contains("SUCCEEDED");
    }

    @Test
    void aWaitingRunIsCancelledAtOnceAndNeverExecutes() {
        String task = "s10-waiting-" + suffix;
        api.effectTask(task, 30, Map.of("maxConcurrentRuns", 1, "retry", Map.of("enabled", false)));
        UUID running = runOnce(task);
        awaitRun(running, "RUNNING", Duration.ofSeconds(60));
        List<UUID> waiting = List.of(runOnce(task), runOnce(task), runOnce(task));
        waiting.forEach(this::awaitWaiting);

        for (UUID runId : waiting) {
            Api.Response answer = cancel(runId);
            assertThat(answer.status()).as(answer.body()).isEqualTo(202);
            assertThat(answer.json().path("state").asString()).isEqualTo("QUEUED");
        }
        for (UUID runId : waiting) {
            Ledger.Run cancelled = awaitRun(runId, "CANCELLED", Duration.ofSeconds(15));
            assertThat(cancelled.admittedAt()).isNull();
            assertThat(cancelled.claimedBy()).isNull();
        }
        // the running one is cancelled through its worker, which frees the slot; nothing cancelled takes it
        assertThat(cancel(running).status()).isEqualTo(202);
        awaitRun(running, "CANCELLED", Duration.ofSeconds(30));

        Invariants.Snapshot snapshot = awaitQuiet(Duration.ofMinutes(2));
        Map<UUID, List<Ledger.History>> history = historyOf(snapshot, Set.of(waiting.get(0), waiting.get(1),
                waiting.get(2), running));
        for (UUID runId : waiting) {
            assertThat(cluster.effects().of(runId)).as("effects of cancelled waiting run " + runId).isEmpty();
            assertThat(history.get(runId)).filteredOn(e -> "TRANSITION".equals(e.kind()))
                    .extracting(Ledger.History::state).containsExactly("QUEUED", "CANCELLED");
            assertThat(run(runId).admittedAt()).isNull();
        }
        List<Ledger.History> h = history.get(running);
        assertThat(indexOfNote(h, "cancel requested by")).isNotNegative().isLessThan(indexOfState(h, "CANCELLED"));
        assertThat(cluster.effects().of(running)).extracting(Effects.Effect::kind).containsExactly("start");
        assertThat(Invariants.peakConcurrency(snapshot, Set.of(task))).isEqualTo(1);
    }

    @Test
    void anAdmittedRunNoWorkerStartedYetIsCancelledAtOnceAndItsJobNeverEnds() {
        String task = "s10-admitted-" + suffix;
        api.effectTask(task, 5, Map.of("retry", Map.of("enabled", false)));
        List<ServiceProcess> workers = cluster.replicas("worker");
        UUID runId;
        Ledger.Run cancelled;
        workers.forEach(ServiceProcess::pause);
        try {
            runId = runOnce(task);
            awaitAdmitted(runId);
            Api.Response answer = cancel(runId);
            assertThat(answer.status()).as(answer.body()).isEqualTo(202);
            // no worker can act: the dispatcher alone ends the run
            cancelled = awaitRun(runId, "CANCELLED", Duration.ofSeconds(15));
        } finally {
            workers.forEach(ServiceProcess::resume);
        }
        assertThat(cancelled.startedAt()).isNull();
        assertThat(cancelled.claimedBy()).isNull();

        // the workers, resumed, find the run on the work topic and the CancelRun on the command topic: whichever
        // comes first, the job is skipped or stopped, never run to its end, and the ledger does not move again
        Awaitility.await("the admitted run's record taken and dealt with").atMost(Duration.ofSeconds(30))
                .pollInterval(Duration.ofMillis(200))
                .until(() -> workerLogsMention(workers, "Run " + runId + " of task"));
        Invariants.Snapshot snapshot = awaitQuiet(Duration.ofMinutes(2));
        List<Ledger.History> h = historyOf(snapshot, Set.of(runId)).get(runId);
        assertThat(h).filteredOn(e -> "TRANSITION".equals(e.kind())).extracting(Ledger.History::state)
                .containsExactly("QUEUED", "CANCELLED");
        assertThat(cluster.effects().of(runId)).as("effects of " + runId).noneMatch(Effects.Effect::isEnd);
        System.out.printf("admitted run cancelled before its start: effects %s, history %s%n",
                cluster.effects().of(runId), h);
    }

    private Api.Response cancel(UUID runId) {
        return api.post("/api/v1/runs/" + runId + "/cancel", Map.of());
    }

    private Map<UUID, Instant> startTimes(String task) {
        Map<UUID, Instant> started = new HashMap<>();
        cluster.ledger().query("SELECT run_id, started_at FROM dispatcher.task_run WHERE task_name = ?"
                + " AND started_at IS NOT NULL", rs -> started.put((UUID) rs.getObject(1),
                rs.getTimestamp(2).toInstant()), task);
        return started;
    }

    private Map<UUID, Set<String>> readModelTerminalStates(String task) {
        Map<UUID, Set<String>> states = new HashMap<>();
        cluster.ledger().query("SELECT h.run_id, h.state FROM task.task_run_history h JOIN task.task_run r"
                        + " ON r.run_id = h.run_id WHERE r.task_name = ? AND h.state IN ('SUCCEEDED', 'FAILED', "
                        + "'CANCELLED')", rs -> states.computeIfAbsent((UUID) rs.getObject(1), k -> new HashSet<>())
                .add(rs.getString(2)), task);
        return states;
    }

    private static Map<UUID, List<Ledger.History>> historyOf(Invariants.Snapshot snapshot, Set<UUID> runIds) {
        Map<UUID, List<Ledger.History>> history = new HashMap<>();
        snapshot.history().stream().filter(h -> runIds.contains(h.runId()))
                .forEach(h -> history.computeIfAbsent(h.runId(), k -> new ArrayList<>()).add(h));
        return history;
    }

    private static List<String> terminalTransitions(List<Ledger.History> h) {
        return h.stream().filter(e -> "TRANSITION".equals(e.kind()) && Ledger.TERMINAL.contains(e.state()))
                .map(Ledger.History::state).toList();
    }

    private static int indexOfState(List<Ledger.History> h, String state) {
        for (int i = 0; i < h.size(); i++) {
            if ("TRANSITION".equals(h.get(i).kind()) && state.equals(h.get(i).state())) {
                return i;
            }
        }
        return -1;
    }

    private static int indexOfNote(List<Ledger.History> h, String prefix) {
        for (int i = 0; i < h.size(); i++) {
            if ("NOTE".equals(h.get(i).kind()) && h.get(i).reason().startsWith(prefix)) {
                return i;
            }
        }
        return -1;
    }

    private static boolean workerLogsMention(List<ServiceProcess> workers, String text) {
        return workers.stream().anyMatch(w -> {
            try {
                return java.nio.file.Files.readString(w.log()).contains(text);
            } catch (java.io.IOException e) {
                return false;
            }
        });
    }

    private static List<Duration> offsets() {
        List<Duration> offsets = new ArrayList<>();
        for (int ms = 0; ms <= 3_000; ms += 250) {
            offsets.add(Duration.ofMillis(ms));
        }
        return offsets;
    }
}
