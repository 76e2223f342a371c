package io.polysync.dispatcher.ledger;

/** The kinds of status history entries (DESIGN.md section 10 rule 5). */
public enum HistoryKind {
    /** The run moved to a new state. */
    TRANSITION,
    /** Why a queued run is not admitted yet. */
    WAITING,
    /** Anything else worth knowing: a rejected report, a dispatch, a substituted definition version. */
    NOTE
}
