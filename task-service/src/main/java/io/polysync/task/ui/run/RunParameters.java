package io.polysync.task.ui.run;

import io.polysync.model.Json;
import io.polysync.model.param.VaultReference;
import io.polysync.model.task.DependencySnapshot;
import io.polysync.model.task.OutputMapping;
import io.polysync.model.task.TaskSnapshot;
import io.polysync.task.definition.TaskVersion;
import io.polysync.task.definition.TaskVersionRepository;
import io.polysync.task.run.RunView;
import org.springframework.stereotype.Component;
import org.springframework.transaction.annotation.Transactional;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.regex.Pattern;

/**
 * The parameters of a run: the effective values it was created with when its events carried them (overrides and
 * mapped parent outputs included, rule 13), else, for runs recorded before those events had them, what its
 * definition version states (job defaults, then the task's values, then the parent outputs mapped into it, a mapped
 * input naming its parent output since its value is not known).
 *
 * <p>Parameters hold secrets only as vault references, which are shown as such. Any other value under a
 * secret-looking name, or one the job's schema marks {@code writeOnly}, is masked all the same, however deep.
 */
@Component
public class RunParameters {

    static final String MASK = "••••••";
    private static final Pattern SECRET_NAME =
            Pattern.compile(".*(password|passwd|secret|token|api[-_]?key|credential|private[-_]?key).*");

    private final TaskVersionRepository versions;

    public RunParameters(TaskVersionRepository versions) {
        this.versions = versions;
    }

    /**
     * Empty when the run's own values are not known and its definition version is gone (the task was deleted). With
     * the definition gone, the run's own values are masked by name only.
     */
    @Transactional(readOnly = true)
    public Optional<List<ParameterRow>> of(RunView run) {
        Optional<TaskSnapshot> task = versions.findById(new TaskVersion.Key(run.taskId(), run.definitionVersion()))
                .map(v -> Json.decode(v.snapshot(), TaskSnapshot.class));
        if (run.parameters() != null) {
            return Optional.of(rows(run.parameters(),
                    task.map(t -> properties(t.job().parameterSchema())).orElse(Map.of())));
        }
        return task.map(RunParameters::rows);
    }

    /** The run's own values, in name order; the source is not known once precedence has merged them. */
    static List<ParameterRow> rows(Map<String, Object> effective, Map<String, Object> properties) {
        return new TreeMap<>(effective).entrySet().stream()
                .map(e -> literal(e.getKey(), e.getValue(), properties, null))
                .toList();
    }

    static List<ParameterRow> rows(TaskSnapshot task) {
        Map<String, ParameterRow> rows = new LinkedHashMap<>();
        Map<String, Object> properties = properties(task.job().parameterSchema());
        task.job().defaults().forEach((name, value) ->
                rows.put(name, literal(name, value, properties, "job default")));
        task.parameters().forEach((name, value) ->
                rows.put(name, literal(name, value, properties, "task")));
        for (DependencySnapshot dependency : task.dependencies()) {
            for (OutputMapping mapping : dependency.mappings()) {
                rows.put(mapping.input(), new ParameterRow(mapping.input(),
                        "output " + mapping.output() + " of " + dependency.task(), ParameterRow.Kind.MAPPED,
                        "parent " + dependency.task()));
            }
        }
        return new ArrayList<>(rows.values());
    }

    private static ParameterRow literal(String name, Object value, Map<String, Object> properties, String source) {
        if (VaultReference.looksLikeOne(value)) {
            return new ParameterRow(name, (String) value, ParameterRow.Kind.VAULT_REFERENCE, source);
        }
        if (secret(name, properties.get(name))) {
            return new ParameterRow(name, MASK, ParameterRow.Kind.MASKED, source);
        }
        Object masked = mask(value);
        return new ParameterRow(name, masked instanceof String text ? text : Json.encode(masked),
                ParameterRow.Kind.LITERAL, source);
    }

    /** The value with every literal under a secret-looking key replaced by the mask. */
    static Object mask(Object value) {
        if (value instanceof Map<?, ?> map) {
            Map<String, Object> result = new LinkedHashMap<>();
            map.forEach((k, v) -> result.put(String.valueOf(k),
                    secret(String.valueOf(k), null) && !VaultReference.looksLikeOne(v) ? MASK : mask(v)));
            return result;
        }
        if (value instanceof List<?> items) {
            return items.stream().map(RunParameters::mask).toList();
        }
        return value;
    }

    private static boolean secret(String name, Object schema) {
        if (schema instanceof Map<?, ?> s && Boolean.TRUE.equals(s.get("writeOnly"))) {
            return true;
        }
        return SECRET_NAME.matcher(name.toLowerCase(Locale.ROOT)).matches();
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> properties(Map<String, Object> schema) {
        return schema.get("properties") instanceof Map<?, ?> p ? (Map<String, Object>) p : Map.of();
    }
}
