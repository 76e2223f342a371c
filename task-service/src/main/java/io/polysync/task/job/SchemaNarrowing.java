package io.polysync.task.job;

import io.polysync.task.validation.Errors;

import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.TreeSet;

/**
 * Whether a job's parameter schema narrows its job type's (DESIGN.md section 10 rule 14): the same top-level
 * properties or fewer, each with the same or stricter keywords — {@code type} equal (or {@code integer} for
 * {@code number}), {@code enum} a subset, bounds tighter, {@code required} a superset, nested schemas narrower by the
 * same rules. The check is conservative: what it cannot prove narrower it rejects, naming the property. Omitting a
 * top-level property is narrowing because tasks may only set parameters their job's schema declares; nested
 * {@code properties} must keep the type's names, since nothing else forbids a nested name.
 */
final class SchemaNarrowing {

    private static final Set<String> ANNOTATIONS = Set.of("title", "description", "default", "examples",
            "deprecated", "readOnly", "writeOnly", "$comment");
    /** Keywords whose addition can only reject more values, whatever the rest of the schema says. */
    private static final Set<String> ADDABLE = Set.of("type", "enum", "const", "minimum", "maximum",
            "exclusiveMinimum", "exclusiveMaximum", "multipleOf", "minLength", "maxLength", "pattern", "format",
            "minItems", "maxItems", "uniqueItems", "minProperties", "maxProperties", "required");
    private static final Set<String> LOWER_BOUNDS = Set.of("minimum", "exclusiveMinimum", "minLength", "minItems",
            "minProperties");
    private static final Set<String> UPPER_BOUNDS = Set.of("maximum", "exclusiveMaximum", "maxLength", "maxItems",
            "maxProperties");
    private static final String ROOT = "parameterSchema";

    private SchemaNarrowing() {
    }

    /** Reports to {@code errors} every way {@code job} fails to narrow {@code type}, named by property. */
    static void check(String typeName, Map<String, Object> type, Map<String, Object> job, Errors errors) {
        Map<String, Object> typeProperties = asMap(type.get("properties"));
        Map<String, Object> jobProperties = asMap(job.get("properties"));
        for (Map.Entry<String, Object> entry : job.entrySet()) {
            String keyword = entry.getKey();
            Object value = entry.getValue();
            switch (keyword) {
                case "type" -> {
                    if (!"object".equals(value)) {
                        errors.add(ROOT + ".type", "must be \"object\": parameters are a JSON object");
                    }
                }
                case "properties" -> {
                    if (jobProperties == null) {
                        errors.add(ROOT + ".properties", "must be an object of parameter schemas");
                        continue;
                    }
                    for (Map.Entry<String, Object> p : jobProperties.entrySet()) {
                        String field = ROOT + ".properties." + p.getKey();
                        if (typeProperties == null || !typeProperties.containsKey(p.getKey())) {
                            errors.add(field, "job type '" + typeName + "' has no parameter '" + p.getKey()
                                    + "'; its parameters are " + names(typeProperties));
                        } else {
                            List<String> problems = new ArrayList<>();
                            compare("", typeProperties.get(p.getKey()), p.getValue(), problems);
                            problems.forEach(problem -> errors.add(field, problem));
                        }
                    }
                }
                case "required" -> {
                    List<String> required = strings(value);
                    if (required == null) {
                        errors.add(ROOT + ".required", "must be an array of parameter names");
                        continue;
                    }
                    for (String name : required) {
                        if (jobProperties == null || !jobProperties.containsKey(name)) {
                            errors.add(ROOT + ".required", "names '" + name + "', which is not in properties");
                        }
                    }
                }
                case "additionalProperties" -> {
                    List<String> problems = new ArrayList<>();
                    compare("", type.getOrDefault(keyword, true), value, problems);
                    problems.forEach(problem -> errors.add(ROOT + ".additionalProperties", problem));
                }
                case "minProperties", "maxProperties" -> {
                    List<String> problems = new ArrayList<>();
                    keyword("", keyword, type.get(keyword), value, problems);
                    problems.forEach(problem -> errors.add(ROOT + "." + keyword, problem));
                }
                default -> {
                    if (!ANNOTATIONS.contains(keyword) && !Objects.equals(type.get(keyword), value)) {
                        errors.add(ROOT + "." + keyword, "cannot be proven to narrow the job type's schema;"
                                + " use properties, required, additionalProperties, minProperties or maxProperties");
                    }
                }
            }
        }
        List<String> typeRequired = strings(type.get("required"));
        List<String> jobRequired = strings(job.get("required"));
        for (String name : typeRequired == null ? List.<String>of() : typeRequired) {
            if (jobRequired == null || !jobRequired.contains(name)) {
                errors.add(ROOT + ".properties." + name, "is required by job type '" + typeName
                        + "' and must stay in properties and required");
            }
        }
        for (String keyword : List.of("additionalProperties", "minProperties", "maxProperties")) {
            Object typeValue = type.get(keyword);
            boolean unconstrained = typeValue == null || Boolean.TRUE.equals(typeValue);
            if (!unconstrained && !job.containsKey(keyword)) {
                errors.add(ROOT + "." + keyword, "must keep the job type's " + keyword + " (same or stricter)");
            }
        }
    }

    /** Compares one sub-schema; each problem is prefixed with its keyword path below the property. */
    private static void compare(String path, Object type, Object job, List<String> problems) {
        if (Boolean.FALSE.equals(job)) {
            return;
        }
        if (Boolean.FALSE.equals(type)) {
            problems.add(at(path) + "the job type allows no value here, so neither may the job");
            return;
        }
        Map<String, Object> t = Boolean.TRUE.equals(type) ? Map.of() : asMap(type);
        Map<String, Object> j = Boolean.TRUE.equals(job) ? Map.of() : asMap(job);
        if (t == null || j == null) {
            problems.add(at(path) + "must be a schema object or a boolean");
            return;
        }
        for (Map.Entry<String, Object> entry : t.entrySet()) {
            String keyword = entry.getKey();
            if (ANNOTATIONS.contains(keyword)) {
                continue;
            }
            if (!j.containsKey(keyword)) {
                problems.add(at(path) + "must keep the job type's '" + keyword + "' (the same or stricter)");
            } else {
                keyword(path, keyword, entry.getValue(), j.get(keyword), problems);
            }
        }
        for (Map.Entry<String, Object> entry : j.entrySet()) {
            String keyword = entry.getKey();
            if (t.containsKey(keyword) || ANNOTATIONS.contains(keyword)) {
                continue;
            }
            if ("items".equals(keyword) && !t.containsKey("prefixItems")) {
                compare(path + "items.", true, entry.getValue(), problems);
            } else if (!ADDABLE.contains(keyword)) {
                problems.add(at(path) + "'" + keyword + "' cannot be proven to narrow the job type's schema");
            }
        }
    }

    private static void keyword(String path, String keyword, Object type, Object job, List<String> problems) {
        String where = at(path) + keyword + " ";
        if (type == null) {
            return;
        }
        switch (keyword) {
            case "type" -> {
                Set<Object> allowed = new HashSet<>(listOf(type));
                for (Object t : listOf(job)) {
                    if (!allowed.contains(t) && !("integer".equals(t) && allowed.contains("number"))) {
                        problems.add(where + "must be the job type's " + type + " (or integer for number), not "
                                + job);
                        return;
                    }
                }
            }
            case "enum" -> {
                List<Object> allowed = listOf(type);
                if (!(job instanceof List<?>) || !allowed.containsAll(listOf(job))) {
                    problems.add(where + "must be a subset of the job type's " + type);
                }
            }
            case "required" -> {
                List<String> t = strings(type);
                List<String> j = strings(job);
                if (j == null || t == null || !j.containsAll(t)) {
                    problems.add(where + "must include the job type's " + type);
                }
            }
            case "uniqueItems" -> {
                if (Boolean.TRUE.equals(type) && !Boolean.TRUE.equals(job)) {
                    problems.add(where + "must stay true");
                }
            }
            case "multipleOf" -> {
                BigDecimal t = number(type);
                BigDecimal j = number(job);
                if (t == null || j == null || t.signum() <= 0 || j.signum() <= 0
                        || j.remainder(t).signum() != 0) {
                    problems.add(where + "must be a multiple of the job type's " + type);
                }
            }
            case "items", "additionalProperties", "propertyNames", "contains" -> compare(path + keyword + ".", type,
                    job, problems);
            case "properties" -> {
                Map<String, Object> t = asMap(type);
                Map<String, Object> j = asMap(job);
                if (t == null || j == null || !t.keySet().equals(j.keySet())) {
                    problems.add(where + "must declare exactly the job type's " + names(t));
                    return;
                }
                t.forEach((name, sub) -> compare(path + "properties." + name + ".", sub, j.get(name), problems));
            }
            default -> {
                if (LOWER_BOUNDS.contains(keyword) || UPPER_BOUNDS.contains(keyword)) {
                    BigDecimal t = number(type);
                    BigDecimal j = number(job);
                    boolean lower = LOWER_BOUNDS.contains(keyword);
                    if (t == null || j == null || (lower ? j.compareTo(t) < 0 : j.compareTo(t) > 0)) {
                        problems.add(where + "must be a number " + (lower ? "at least" : "at most")
                                + " the job type's " + type);
                    }
                } else if (!Objects.equals(type, job)) {
                    problems.add(where + "must equal the job type's " + type);
                }
            }
        }
    }

    private static String at(String path) {
        return path.isEmpty() ? "" : path;
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> asMap(Object value) {
        return value instanceof Map<?, ?> map ? (Map<String, Object>) map : null;
    }

    private static List<Object> listOf(Object value) {
        return value instanceof List<?> list ? new ArrayList<>(list) : List.of(value);
    }

    private static List<String> strings(Object value) {
        if (!(value instanceof List<?> list)) {
            return null;
        }
        List<String> result = new ArrayList<>();
        for (Object item : list) {
            if (!(item instanceof String s)) {
                return null;
            }
            result.add(s);
        }
        return result;
    }

    private static BigDecimal number(Object value) {
        return value instanceof Number n ? new BigDecimal(n.toString()) : null;
    }

    private static Set<String> names(Map<String, Object> properties) {
        return properties == null ? Set.of() : new TreeSet<>(properties.keySet());
    }
}
