package io.polysync.task.ui.task;

import io.polysync.task.ui.UiErrors;

import java.util.List;
import java.util.Map;

/**
 * The field errors of a refused save, by the API's field path ({@code name}, {@code parameters.x},
 * {@code retry.maxRetryAttempts}): {@link UiErrors} with the lookups the editor's tabs need (which tab an error is
 * on, and the errors inside one parameter).
 */
final class EditorErrors {

    /** Which tab shows the fields under each path prefix. */
    private static final Map<String, List<String>> TABS = Map.of(
            "general", List.of("name", "job"),
            "settings", List.of("parameters"),
            "dependencies", List.of("dependencies"),
            "scheduling", List.of("schedules", "misfirePolicy", "catchUpLimit"),
            "runtime", List.of("priority", "retry", "executionTimeoutSeconds", "maxConcurrentRuns",
                    "contentionProfiles"));
    static final List<String> TAB_ORDER = List.of("general", "settings", "dependencies", "scheduling", "runtime");

    private final UiErrors errors = UiErrors.none();
    private final Map<String, String> messages = errors.all();

    void add(String field, String message) {
        errors.add(field, message);
    }

    void add(UiErrors reported) {
        reported.all().forEach(this::add);
    }

    public boolean has(String field) {
        return messages.containsKey(field);
    }

    public String get(String field) {
        return messages.get(field);
    }

    public boolean isEmpty() {
        return messages.isEmpty();
    }

    public Map<String, String> all() {
        return messages;
    }

    /** The messages about {@code field} or anything inside it ({@code parameters.x.y}, {@code parameters.x[0]}). */
    public String under(String field) {
        List<String> found = messages.entrySet().stream().filter(e -> within(e.getKey(), field))
                .map(e -> e.getKey().equals(field) ? e.getValue() : e.getKey() + ": " + e.getValue()).toList();
        return found.isEmpty() ? null : String.join("; ", found);
    }

    public int countOn(String tab) {
        return (int) messages.keySet().stream().filter(f -> tabOf(f).equals(tab)).count();
    }

    /** The first tab with an error, else {@code fallback}. */
    String firstTab(String fallback) {
        return TAB_ORDER.stream().filter(t -> countOn(t) > 0).findFirst().orElse(fallback);
    }

    private static String tabOf(String field) {
        for (Map.Entry<String, List<String>> tab : TABS.entrySet()) {
            if (tab.getValue().stream().anyMatch(prefix -> within(field, prefix))) {
                return tab.getKey();
            }
        }
        return "general";
    }

    private static boolean within(String field, String prefix) {
        return field.equals(prefix) || field.startsWith(prefix + ".") || field.startsWith(prefix + "[");
    }
}
