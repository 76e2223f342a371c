package io.polysync.bench;

import java.util.Locale;

/**
 * What a figure should be: at most or at least a value. {@link #verdict} says whether a measured value meets it and
 * by how much it misses.
 */
public record Target(Bound bound, double value, String unit) {

    public enum Bound { AT_MOST, AT_LEAST }

    public static Target atMost(double value, String unit) {
        return new Target(Bound.AT_MOST, value, unit);
    }

    public static Target atLeast(double value, String unit) {
        return new Target(Bound.AT_LEAST, value, unit);
    }

    public String describe() {
        return (bound == Bound.AT_MOST ? "≤ " : "≥ ") + Report.number(value) + " " + unit;
    }

    /** "met", "missed by 12.5 ms (25 %)" or "not measured". */
    public String verdict(double measured) {
        if (Double.isNaN(measured)) {
            return "not measured";
        }
        boolean met = bound == Bound.AT_MOST ? measured <= value : measured >= value;
        if (met) {
            return "met";
        }
        double miss = Math.abs(measured - value);
        String relative = value == 0 ? "" : String.format(Locale.ROOT, " (%s %%)", Report.number(100 * miss / value));
        return "MISSED by " + Report.number(miss) + " " + unit + relative;
    }
}
