package io.polysync.model.cron;

import org.springframework.scheduling.support.CronExpression;

import java.time.DateTimeException;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.time.zone.ZoneOffsetTransition;
import java.time.zone.ZoneRules;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * One cron schedule in one time zone, with the semantics of DESIGN.md section 10 rule 18: 5 fields, or 6 with
 * seconds first, or a macro; day-of-month and day-of-week combine with OR when both are restricted (Vixie cron: a
 * field is unrestricted when it starts with {@code *} or is {@code ?}); an entry with fixed seconds, minutes and
 * hours (no {@code *} or {@code /} in them) fires once per local day across a clock change — a time the change skips
 * fires at the transition instant, a repeated time at its first occurrence — while wildcard and step entries fire at
 * every real instant whose local time matches (none in a gap, both occurrences in an overlap).
 *
 * <p>Spring's zone-free {@link CronExpression#next} matches the fields on local date-times; this class maps those
 * candidates to instants itself, because the zoned variant skips gap days and repeats overlaps. Immutable and
 * thread-safe; parse once, call {@link #next} as often as needed.
 */
public final class CronSchedule {

    private static final Map<String, String> MACROS = Map.of(
            "@yearly", "0 0 1 1 *",
            "@annually", "0 0 1 1 *",
            "@monthly", "0 0 1 * *",
            "@weekly", "0 0 * * 0",
            "@daily", "0 0 * * *",
            "@midnight", "0 0 * * *",
            "@hourly", "0 * * * *");

    /** A safety net: a real search takes a handful of candidates. */
    private static final int MAX_CANDIDATES = 100_000;

    private final String cron;
    private final ZoneId zone;
    private final ZoneRules rules;
    private final List<CronExpression> expressions;
    private final boolean fixedTime;

    private CronSchedule(String cron, ZoneId zone, List<CronExpression> expressions, boolean fixedTime) {
        this.cron = cron;
        this.zone = zone;
        this.rules = zone.getRules();
        this.expressions = expressions;
        this.fixedTime = fixedTime;
    }

    /**
     * Parses a cron and an IANA time zone id.
     *
     * @throws IllegalArgumentException with a reason a user can act on, for a bad cron or an unknown zone
     */
    public static CronSchedule parse(String cron, String timeZone) {
        if (cron == null || cron.isBlank()) {
            throw new IllegalArgumentException("cron is empty");
        }
        if (timeZone == null || timeZone.isBlank()) {
            throw new IllegalArgumentException("time zone is empty");
        }
        ZoneId zone;
        try {
            zone = ZoneId.of(timeZone.trim());
        } catch (DateTimeException e) {
            throw new IllegalArgumentException("unknown time zone '" + timeZone + "'");
        }
        String text = cron.trim();
        if (text.startsWith("@")) {
            String expanded = MACROS.get(text.toLowerCase(Locale.ROOT));
            if (expanded == null) {
                throw new IllegalArgumentException("unknown cron macro '" + text + "' (known: " +
                        String.join(", ", MACROS.keySet().stream().sorted().toList()) + ")");
            }
            text = expanded;
        }
        String[] fields = text.split("\\s+");
        if (fields.length == 5) {
            String[] withSeconds = new String[6];
            withSeconds[0] = "0";
            System.arraycopy(fields, 0, withSeconds, 1, 5);
            fields = withSeconds;
        } else if (fields.length != 6) {
            throw new IllegalArgumentException("cron '" + cron + "' has " + fields.length + " fields; expected 5 "
                    + "(minute hour day-of-month month day-of-week) or 6 (seconds first)");
        }
        boolean fixedTime = isFixed(fields[0]) && isFixed(fields[1]) && isFixed(fields[2]);
        List<CronExpression> expressions = new ArrayList<>(2);
        if (isRestricted(fields[3]) && isRestricted(fields[5])) {
            expressions.add(expression(cron, fields, fields[3], "*"));
            expressions.add(expression(cron, fields, "*", fields[5]));
        } else {
            expressions.add(expression(cron, fields, fields[3], fields[5]));
        }
        return new CronSchedule(cron, zone, List.copyOf(expressions), fixedTime);
    }

    private static boolean isFixed(String field) {
        return field.indexOf('*') < 0 && field.indexOf('/') < 0;
    }

    private static boolean isRestricted(String field) {
        return !field.startsWith("*") && !field.equals("?");
    }

    private static CronExpression expression(String original, String[] f, String dayOfMonth, String dayOfWeek) {
        String text = String.join(" ", f[0], f[1], f[2], dayOfMonth, f[4], dayOfWeek);
        try {
            return CronExpression.parse(text);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("invalid cron '" + original + "': " + e.getMessage(), e);
        }
    }

    /** The cron as given. */
    public String cron() {
        return cron;
    }

    public ZoneId zone() {
        return zone;
    }

    /** Whether seconds, minutes and hours are fixed (once per local day across clock changes). */
    public boolean isFixedTime() {
        return fixedTime;
    }

    /** The first fire instant strictly after {@code after}; empty when the cron never matches again. */
    public Optional<Instant> next(Instant after) {
        Objects.requireNonNull(after, "after");
        LocalDateTime localAfter = LocalDateTime.ofInstant(after, zone);
        Instant best = search(localAfter, after);
        ZoneOffsetTransition coming = rules.nextTransition(after);
        if (!fixedTime && coming != null && coming.isOverlap()
                && !after.isBefore(coming.getInstant().minus(coming.getDuration().abs()))) {
            // `after` is a first occurrence inside a coming overlap: the second occurrences of local times at or
            // before it are still ahead, and may come before anything the forward search found.
            best = searchSecondOccurrences(coming, after, best);
        }
        return Optional.ofNullable(best);
    }

    /** The next {@code count} fire instants after {@code after}, ascending; fewer when the cron stops matching. */
    public List<Instant> nextFires(int count, Instant after) {
        List<Instant> fires = new ArrayList<>(Math.max(count, 0));
        Instant cursor = after;
        while (fires.size() < count) {
            Optional<Instant> next = next(cursor);
            if (next.isEmpty()) {
                break;
            }
            fires.add(next.get());
            cursor = next.get();
        }
        return fires;
    }

    /**
     * Walks local candidates after {@code from}; the smallest of each candidate's instants later than {@code after}
     * never decreases from one candidate to the next, so the walk stops at the first that cannot improve.
     */
    private Instant search(LocalDateTime from, Instant after) {
        Instant best = null;
        LocalDateTime cursor = from;
        for (int i = 0; i < MAX_CANDIDATES; i++) {
            LocalDateTime candidate = nextLocal(cursor);
            if (candidate == null) {
                return best;
            }
            List<ZoneOffset> offsets = rules.getValidOffsets(candidate);
            Instant earliest = null;
            if (offsets.isEmpty()) {
                ZoneOffsetTransition gap = rules.getTransition(candidate);
                if (!fixedTime) {
                    cursor = gap.getDateTimeAfter().minusNanos(1);
                    continue;
                }
                earliest = later(gap.getInstant(), after);
            } else if (offsets.size() == 1 || fixedTime) {
                earliest = later(firstOccurrence(candidate, offsets), after);
            } else {
                for (ZoneOffset offset : offsets) {
                    earliest = min(earliest, later(candidate.toInstant(offset), after));
                }
            }
            if (earliest != null) {
                if (best != null && !earliest.isBefore(best)) {
                    return best;
                }
                best = earliest;
            }
            cursor = candidate;
        }
        return best;
    }

    private Instant searchSecondOccurrences(ZoneOffsetTransition overlap, Instant after, Instant best) {
        LocalDateTime end = overlap.getDateTimeBefore();
        LocalDateTime cursor = overlap.getDateTimeAfter().minusNanos(1);
        for (int i = 0; i < MAX_CANDIDATES; i++) {
            LocalDateTime candidate = nextLocal(cursor);
            if (candidate == null || !candidate.isBefore(end)) {
                return best;
            }
            Instant second = candidate.toInstant(overlap.getOffsetAfter());
            if (best != null && !second.isBefore(best)) {
                return best;
            }
            if (second.isAfter(after)) {
                best = second;
            }
            cursor = candidate;
        }
        return best;
    }

    private static Instant firstOccurrence(LocalDateTime local, List<ZoneOffset> offsets) {
        Instant first = null;
        for (ZoneOffset offset : offsets) {
            first = min(first, local.toInstant(offset));
        }
        return first;
    }

    private LocalDateTime nextLocal(LocalDateTime after) {
        LocalDateTime best = null;
        for (CronExpression expression : expressions) {
            LocalDateTime next = expression.next(after);
            if (next != null && (best == null || next.isBefore(best))) {
                best = next;
            }
        }
        return best;
    }

    private static Instant later(Instant candidate, Instant after) {
        return candidate.isAfter(after) ? candidate : null;
    }

    private static Instant min(Instant a, Instant b) {
        if (a == null) {
            return b;
        }
        if (b == null) {
            return a;
        }
        return a.isBefore(b) ? a : b;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof CronSchedule other && cron.equals(other.cron) && zone.equals(other.zone);
    }

    @Override
    public int hashCode() {
        return Objects.hash(cron, zone);
    }

    @Override
    public String toString() {
        return cron + " [" + zone + "]";
    }
}
