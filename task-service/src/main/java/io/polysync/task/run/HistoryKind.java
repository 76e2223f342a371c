package io.polysync.task.run;

/** DESIGN.md section 10 rule 5: a state transition, or a note while queued (why it waits) or about the run. */
public enum HistoryKind {
    TRANSITION,
    WAITING,
    NOTE
}
