package io.polysync.task.copilot;

import java.util.Comparator;
import java.util.List;
import java.util.Locale;

/** Names close to a mistyped one: within a few edits of it, or containing it or contained in it, ignoring case. */
final class CloseNames {

    static final int MAX_EDITS = 3;
    static final int MAX_SUGGESTIONS = 5;

    private CloseNames() {
    }

    /** The closest first; at most {@value #MAX_SUGGESTIONS}. */
    static List<String> to(String wanted, List<String> names) {
        String w = wanted.toLowerCase(Locale.ROOT);
        return names.stream()
                .filter(n -> {
                    String c = n.toLowerCase(Locale.ROOT);
                    return distance(w, c) <= MAX_EDITS || c.contains(w) || w.contains(c);
                })
                .sorted(Comparator.comparingInt((String n) -> distance(w, n.toLowerCase(Locale.ROOT)))
                        .thenComparing(Comparator.naturalOrder()))
                .limit(MAX_SUGGESTIONS)
                .toList();
    }

    /** Levenshtein distance. */
    static int distance(String a, String b) {
        int[] previous = new int[b.length() + 1];
        int[] current = new int[b.length() + 1];
        for (int j = 0; j <= b.length(); j++) {
            previous[j] = j;
        }
        for (int i = 1; i <= a.length(); i++) {
            current[0] = i;
            for (int j = 1; j <= b.length(); j++) {
                int substitution = previous[j - 1] + (a.charAt(i - 1) == b.charAt(j - 1) ? 0 : 1);
                current[j] = Math.min(substitution, Math.min(previous[j], current[j - 1]) + 1);
            }
            int[] swap = previous;
            previous = current;
            current = swap;
        }
        return previous[b.length()];
    }
}
