package io.polysync.dispatcher.ledger;

import io.polysync.model.run.RunState;

/** What {@link TransitionGuard} decided about one worker report. */
public sealed interface Verdict {

    /** The report is accepted: the run moves to {@code next}; {@code reason} goes into history and the event. */
    record Transition(RunState next, String reason) implements Verdict {
    }

    /** A heartbeat from the claim holder of a running run: its lease is renewed, nothing else changes. */
    record Renewal() implements Verdict {
    }

    /** Why a report was refused (DESIGN.md section 10 rule 6). */
    enum RejectReason {
        /** Another worker holds the run's claim. */
        NOT_CLAIM_HOLDER,
        /** The run is already in a terminal state. */
        RUN_FINISHED
    }

    /** Nothing to do and nothing worth recording (a repeated start, a stray heartbeat). */
    record Ignored(String why) implements Verdict {
    }

    /** The report is refused (rule 6: not the claim holder, or a finished run); recorded as a NOTE. */
    record Rejected(RejectReason reason, String note) implements Verdict {
    }
}
