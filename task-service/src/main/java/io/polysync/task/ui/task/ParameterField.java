package io.polysync.task.ui.task;

import io.polysync.model.Json;
import io.polysync.task.job.JobView;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * One input of the Settings tab, from a property of the job's parameter schema.
 *
 * @param type         the schema's {@code type} ({@code string} when it names none or several)
 * @param defaultValue the job's default, else the schema's, as text; null when there is none
 * @param choices      the schema's {@code enum}, as text; empty when it has none
 * @param error        what the service said about this parameter (or anything inside it), else null
 */
record ParameterField(String name, String type, String description, String defaultValue, boolean required,
                      List<String> choices, TaskForm.ParamInput input, String error) {

    public boolean vault() {
        return TaskForm.VAULT.equals(input.mode());
    }

    /** The parameter types of the job's schema by name, for converting literals. */
    static Map<String, String> types(JobView job) {
        Map<String, String> types = new LinkedHashMap<>();
        properties(job).forEach((name, schema) -> types.put(name, type(schema)));
        return types;
    }

    static List<ParameterField> of(JobView job, TaskForm form, EditorErrors errors) {
        List<String> required = job.parameterSchema().get("required") instanceof List<?> r
                ? r.stream().map(String::valueOf).toList() : List.of();
        List<ParameterField> fields = new ArrayList<>();
        properties(job).forEach((name, schema) -> {
            Object fallback = job.defaults().containsKey(name) ? job.defaults().get(name) : schema.get("default");
            List<String> choices = schema.get("enum") instanceof List<?> e
                    ? e.stream().map(ParameterField::text).toList() : List.of();
            fields.add(new ParameterField(name, type(schema),
                    schema.get("description") instanceof String d ? d : "",
                    fallback == null ? null : text(fallback), required.contains(name), choices,
                    form.parameter(name), errors.under("parameters." + name)));
        });
        return fields;
    }

    private static Map<String, Map<String, Object>> properties(JobView job) {
        Map<String, Map<String, Object>> properties = new LinkedHashMap<>();
        if (job.parameterSchema().get("properties") instanceof Map<?, ?> all) {
            all.forEach((name, schema) -> properties.put(String.valueOf(name),
                    schema instanceof Map<?, ?> m ? cast(m) : Map.of()));
        }
        return properties;
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> cast(Map<?, ?> map) {
        return (Map<String, Object>) map;
    }

    private static String type(Map<String, Object> schema) {
        return schema.get("type") instanceof String t ? t : "string";
    }

    private static String text(Object value) {
        return value instanceof String s ? s : Json.encode(value);
    }
}
