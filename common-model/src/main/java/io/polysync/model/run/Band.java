package io.polysync.model.run;

/**
 * Priority bands, one work topic each. Priorities are integers 0–100 (higher runs first); the thresholds are
 * configurable, the defaults are high ≥ 70, normal 30–69, low &lt; 30.
 */
public enum Band {
    HIGH,
    NORMAL,
    LOW;

    public static final int DEFAULT_HIGH_THRESHOLD = 70;
    public static final int DEFAULT_LOW_THRESHOLD = 30;

    public static Band of(int priority) {
        return of(priority, DEFAULT_HIGH_THRESHOLD, DEFAULT_LOW_THRESHOLD);
    }

    public static Band of(int priority, int highThreshold, int lowThreshold) {
        if (priority >= highThreshold) {
            return HIGH;
        }
        return priority < lowThreshold ? LOW : NORMAL;
    }
}
