package io.polysync.runtime.jdbc;

import java.util.Collections;

/**
 * Bind-parameter lists for {@code IN (…)}: one statement for a whole poll's ids instead of one per id. PostgreSQL and
 * H2 (the standalone's default) both take them, where {@code = ANY(?)} with an array would need each database's own
 * array binding.
 */
public final class SqlLists {

    private SqlLists() {
    }

    /** {@code "?, ?, ?"} for three; the caller keeps {@code count} above 0 and within the database's parameter limit. */
    public static String placeholders(int count) {
        if (count < 1) {
            throw new IllegalArgumentException("an IN list needs at least one parameter, was " + count);
        }
        return String.join(", ", Collections.nCopies(count, "?"));
    }
}
