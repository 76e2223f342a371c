package io.polysync.task.api;

import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

/**
 * The resource cannot be deleted (or changed that way) because others refer to it (DESIGN.md section 10 rule 2).
 * Answered as 409 with a {@code referrers} object, e.g. {@code {"jobs": ["a", "b"]}}; nothing was written.
 *
 * @param referrers referring resources by kind ({@code jobs}, {@code tasks}), each list sorted
 */
public class InUseException extends RuntimeException {

    private final transient Map<String, List<String>> referrers;

    public InUseException(String what, Map<String, List<String>> referrers) {
        super(what + " is in use by " + referrers.entrySet().stream()
                .map(e -> e.getKey() + " " + e.getValue()).collect(Collectors.joining(" and ")));
        this.referrers = Map.copyOf(referrers);
    }

    public Map<String, List<String>> referrers() {
        return referrers;
    }
}
