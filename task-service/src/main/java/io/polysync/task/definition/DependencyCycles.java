package io.polysync.task.definition;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.function.Function;

/** Finds the cycle a new dependency would close in the graph of saved dependencies. */
final class DependencyCycles {

    private DependencyCycles() {
    }

    /**
     * The cycle that making {@code self} depend on {@code parent} would close, as the walk from {@code self} back to
     * itself ({@code [a, b, c, a]} when b depends on c and c on a); empty when there is none. {@code parentsOf}
     * answers the saved upstream tasks of a task; those of {@code self} are never asked for, since they are being
     * replaced.
     */
    static Optional<List<String>> closedBy(String self, String parent, Function<String, List<String>> parentsOf) {
        List<String> path = new ArrayList<>();
        path.add(self);
        return walk(self, parent, parentsOf, path, new HashSet<>()) ? Optional.of(path) : Optional.empty();
    }

    private static boolean walk(String self, String current, Function<String, List<String>> parentsOf,
                                List<String> path, Set<String> seen) {
        path.add(current);
        if (current.equals(self)) {
            return true;
        }
        if (seen.add(current)) {
            for (String next : parentsOf.apply(current)) {
                if (walk(self, next, parentsOf, path, seen)) {
                    return true;
                }
            }
        }
        path.remove(path.size() - 1);
        return false;
    }

    /** "a → b → c → a". */
    static String describe(List<String> cycle) {
        return String.join(" → ", cycle);
    }
}
