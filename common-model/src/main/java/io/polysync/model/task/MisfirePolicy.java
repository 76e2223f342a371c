package io.polysync.model.task;

/** What the scheduler does with fire instants it missed while down (DESIGN.md section 10 rule 19). */
public enum MisfirePolicy {
    FIRE_ONCE,
    SKIP,
    CATCH_UP
}
