package io.polysync.task.copilot;

import io.polysync.model.run.RunState;
import io.polysync.task.run.RunView;

/** Why a run is or is not running, said so an operator knows what to do about it. */
final class WaitingExplanation {

    private WaitingExplanation() {
    }

    static String of(RunView run) {
        String subject = "Run " + run.runId() + " of task '" + run.task() + "'";
        if (run.state() == RunState.RUNNING) {
            return subject + " is not waiting: it has been running since " + run.startedAt() + " (attempt "
                    + run.attempt() + ").";
        }
        if (run.state().isTerminal()) {
            String how = subject + " is not waiting: it finished " + run.state() + " at " + run.finishedAt();
            if (run.error() != null) {
                how += " (" + run.error().reason() + ": " + run.error().message() + ")";
            }
            if (run.retriedBy() != null) {
                how += "; it is retried by run " + run.retriedBy();
            } else if (run.nextRetryAt() != null) {
                how += "; a retry is due at " + run.nextRetryAt();
            }
            return how + ".";
        }
        String reason = run.waitingReason();
        if (reason == null || reason.isBlank()) {
            return subject + " has been queued since " + run.queuedAt() + " and no limit is holding it back: it is "
                    + "waiting for the dispatcher to admit it. If it stays queued, check that the dispatcher and "
                    + "the workers for its platform are running.";
        }
        return subject + " is queued and not admitted yet because " + reason + ". " + advice(reason);
    }

    private static String advice(String reason) {
        if (reason.startsWith("profile ")) {
            String profile = reason.substring("profile ".length()).split(":", 2)[0].trim();
            return "It starts by itself when a slot of contention profile '" + profile + "' frees up; to start it "
                    + "sooner, wait for or cancel the other runs holding that profile, or raise the profile's limit.";
        }
        if (reason.startsWith("max concurrent runs")) {
            return "It starts by itself when one of the task's running runs ends; to start it sooner, cancel one "
                    + "of them or raise the task's maxConcurrentRuns.";
        }
        return "It starts by itself when that clears.";
    }
}
