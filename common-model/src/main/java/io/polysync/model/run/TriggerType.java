package io.polysync.model.run;

/** Why a run was requested. */
public enum TriggerType {
    SCHEDULE,
    DEPENDENCY,
    MANUAL,
    RETRY,
    EXTERNAL
}
