package io.polysync.task.ui.task;

import io.polysync.model.Json;
import io.polysync.model.task.Backoff;
import io.polysync.model.task.MisfirePolicy;
import io.polysync.model.task.RetryPolicy;
import io.polysync.task.definition.TaskRequest;
import io.polysync.task.definition.TaskView;
import org.springframework.util.MultiValueMap;

import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The editor's form as the user typed it. Every value stays text, so a save the service refuses re-renders exactly
 * what was typed; {@link #toRequest} turns it into the API's request, converting each literal by its parameter's
 * schema type (a value that does not convert is sent as typed and the schema check names the parameter).
 *
 * <p>Field names follow the API's error paths ({@code dependencies[0].mappings[1].input},
 * {@code retry.maxRetryAttempts}), so an error lands on the input that caused it. Parameters are
 * {@code param.mode.<name>} (literal or vault), {@code param.value.<name>}, {@code param.vault.<name>} and
 * {@code param.secret.<name>}.
 */
record TaskForm(String name, String job, Map<String, ParamInput> parameters, List<Dependency> dependencies,
                List<Schedule> schedules, String misfirePolicy, String catchUpLimit, String priority,
                boolean retryEnabled, String retryMaxAttempts, String retryBackoff, String retryInitialDelay,
                String retryMaxDelay, boolean retryJitter, String executionTimeoutSeconds, String maxConcurrentRuns,
                List<String> contentionProfiles) {

    static final String LITERAL = "literal";
    static final String VAULT = "vault";
    private static final String VAULT_PREFIX = "vault://";
    private static final Pattern DEPENDENCY = Pattern.compile("dependencies\\[(\\d+)]\\.task");
    private static final Pattern SCHEDULE = Pattern.compile("schedules\\[(\\d+)]\\.cron");

    /** One parameter's input: a literal, or a reference to a secret in a vault. */
    record ParamInput(String mode, String value, String vault, String secret) {
        static final ParamInput EMPTY = new ParamInput(LITERAL, "", "", "");
    }

    record Mapping(String output, String input) {
    }

    record Dependency(String task, List<Mapping> mappings) {
    }

    record Schedule(String cron, String timeZone) {
    }

    /** A number field that is not a number: reported like a service error, before anything is saved. */
    record Problem(String field, String message) {
    }

    static TaskForm blank() {
        return new TaskForm("", "", Map.of(), List.of(), List.of(), MisfirePolicy.FIRE_ONCE.name(), "", "50",
                false, "3", Backoff.FIXED.name(), "10", "", false, "", "", List.of());
    }

    static TaskForm of(TaskView task) {
        Map<String, ParamInput> parameters = new LinkedHashMap<>();
        task.parameters().forEach((name, value) -> parameters.put(name, input(value)));
        RetryPolicy retry = task.retry();
        boolean configured = retry.enabled() || retry.maxRetryAttempts() > 0;
        return new TaskForm(task.name(), task.job(), parameters,
                task.dependencies().stream().map(d -> new Dependency(d.task(), d.mappings().stream()
                        .map(m -> new Mapping(m.output(), m.input())).toList())).toList(),
                task.schedules().stream().map(s -> new Schedule(s.cron(), s.timeZone())).toList(),
                task.misfirePolicy().name(), text(task.catchUpLimit()), String.valueOf(task.priority()),
                retry.enabled(), configured ? String.valueOf(retry.maxRetryAttempts()) : "3",
                retry.backoff().name(), configured ? String.valueOf(retry.initialDelaySeconds()) : "10",
                text(retry.maxDelaySeconds()), retry.jitter(), text(task.executionTimeoutSeconds()),
                text(task.maxConcurrentRuns()), task.contentionProfiles());
    }

    static TaskForm read(MultiValueMap<String, String> form) {
        Map<String, ParamInput> parameters = new LinkedHashMap<>();
        form.keySet().stream().filter(k -> k.startsWith("param.mode.")).forEach(k -> {
            String name = k.substring("param.mode.".length());
            parameters.put(name, new ParamInput(VAULT.equals(first(form, k)) ? VAULT : LITERAL,
                    first(form, "param.value." + name), first(form, "param.vault." + name),
                    first(form, "param.secret." + name)));
        });
        List<Dependency> dependencies = new ArrayList<>();
        for (int i : indices(form, DEPENDENCY)) {
            List<Mapping> mappings = new ArrayList<>();
            Pattern ofThis = Pattern.compile("dependencies\\[" + i + "]\\.mappings\\[(\\d+)]\\.output");
            for (int j : indices(form, ofThis)) {
                String prefix = "dependencies[" + i + "].mappings[" + j + "].";
                mappings.add(new Mapping(first(form, prefix + "output"), first(form, prefix + "input")));
            }
            dependencies.add(new Dependency(first(form, "dependencies[" + i + "].task"), mappings));
        }
        List<Schedule> schedules = new ArrayList<>();
        for (int i : indices(form, SCHEDULE)) {
            schedules.add(new Schedule(first(form, "schedules[" + i + "].cron"),
                    first(form, "schedules[" + i + "].timeZone")));
        }
        List<String> profiles = form.getOrDefault("contentionProfiles", List.of()).stream()
                .filter(p -> !p.isBlank()).toList();
        return new TaskForm(first(form, "name").trim(), first(form, "job").trim(), parameters, dependencies,
                schedules, first(form, "misfirePolicy"), first(form, "catchUpLimit"), first(form, "priority"),
                form.containsKey("retry.enabled"), first(form, "retry.maxRetryAttempts"),
                first(form, "retry.backoff"), first(form, "retry.initialDelaySeconds"),
                first(form, "retry.maxDelaySeconds"), form.containsKey("retry.jitter"),
                first(form, "executionTimeoutSeconds"), first(form, "maxConcurrentRuns"), profiles);
    }

    /** The retry block alone, as the retry preview reads it. */
    TaskRequest.Retry retry(List<Problem> problems) {
        return new TaskRequest.Retry(retryEnabled, integer("retry.maxRetryAttempts", retryMaxAttempts, problems),
                backoff(retryBackoff, problems), longValue("retry.initialDelaySeconds", retryInitialDelay, problems),
                longValue("retry.maxDelaySeconds", retryMaxDelay, problems), retryJitter);
    }

    /**
     * The API request. Fields that are not numbers are added to {@code problems} and sent as absent.
     *
     * @param types the job's parameter types by name ({@code integer}, {@code object}, ...); literals of other
     *              parameters are sent as text
     */
    TaskRequest toRequest(Map<String, String> types, List<Problem> problems) {
        Map<String, Object> values = new LinkedHashMap<>();
        parameters.forEach((name, input) -> {
            if (VAULT.equals(input.mode())) {
                if (!input.vault().isBlank() || !input.secret().isBlank()) {
                    values.put(name, VAULT_PREFIX + input.vault().trim() + "/" + input.secret().trim());
                }
            } else if (!input.value().isBlank()) {
                values.put(name, literal(input.value(), types.get(name)));
            }
        });
        List<TaskRequest.Dependency> deps = dependencies.stream().map(d -> new TaskRequest.Dependency(d.task(),
                d.mappings().stream().map(m -> new TaskRequest.Mapping(m.output(), m.input())).toList())).toList();
        List<TaskRequest.Schedule> crons = schedules.stream()
                .map(s -> new TaskRequest.Schedule(s.cron(), s.timeZone().isBlank() ? null : s.timeZone().trim()))
                .toList();
        MisfirePolicy misfire = null;
        if (!misfirePolicy.isBlank()) {
            try {
                misfire = MisfirePolicy.valueOf(misfirePolicy);
            } catch (IllegalArgumentException e) {
                problems.add(new Problem("misfirePolicy", "must be one of FIRE_ONCE, SKIP or CATCH_UP"));
            }
        }
        return new TaskRequest(name.isBlank() ? null : name, job.isBlank() ? null : job, values, deps, crons,
                misfire, integer("catchUpLimit", catchUpLimit, problems), integer("priority", priority, problems),
                retry(problems), longValue("executionTimeoutSeconds", executionTimeoutSeconds, problems),
                integer("maxConcurrentRuns", maxConcurrentRuns, problems), contentionProfiles);
    }

    ParamInput parameter(String name) {
        return parameters.getOrDefault(name, ParamInput.EMPTY);
    }

    private static ParamInput input(Object value) {
        if (value instanceof String s && s.startsWith(VAULT_PREFIX)) {
            String path = s.substring(VAULT_PREFIX.length());
            int slash = path.indexOf('/');
            return slash < 0 ? new ParamInput(VAULT, "", path, "")
                    : new ParamInput(VAULT, "", path.substring(0, slash), path.substring(slash + 1));
        }
        String text = value instanceof Map<?, ?> || value instanceof List<?> ? Json.encode(value)
                : String.valueOf(value);
        return new ParamInput(LITERAL, text, "", "");
    }

    private static Object literal(String text, String type) {
        String trimmed = text.trim();
        try {
            return switch (type == null ? "string" : type) {
                case "integer" -> new BigDecimal(trimmed).toBigIntegerExact();
                case "number" -> new BigDecimal(trimmed);
                case "boolean" -> switch (trimmed.toLowerCase(Locale.ROOT)) {
                    case "true" -> true;
                    case "false" -> false;
                    default -> text;
                };
                case "object" -> Json.decode(trimmed, Map.class);
                case "array" -> Json.decode(trimmed, List.class);
                default -> text;
            };
        } catch (RuntimeException notOfThatType) {
            // sent as typed: the job's schema check then names the parameter and the type it expects
            return text;
        }
    }

    private static Backoff backoff(String value, List<Problem> problems) {
        if (value == null || value.isBlank()) {
            return null;
        }
        try {
            return Backoff.valueOf(value);
        } catch (IllegalArgumentException e) {
            problems.add(new Problem("retry.backoff", "must be one of FIXED, LINEAR or EXPONENTIAL"));
            return null;
        }
    }

    private static Integer integer(String field, String value, List<Problem> problems) {
        Long parsed = longValue(field, value, problems);
        if (parsed != null && (parsed > Integer.MAX_VALUE || parsed < Integer.MIN_VALUE)) {
            problems.add(new Problem(field, "is too large"));
            return null;
        }
        return parsed == null ? null : parsed.intValue();
    }

    private static Long longValue(String field, String value, List<Problem> problems) {
        if (value == null || value.isBlank()) {
            return null;
        }
        try {
            return Long.valueOf(value.trim());
        } catch (NumberFormatException e) {
            problems.add(new Problem(field, "must be a whole number"));
            return null;
        }
    }

    private static String text(Number value) {
        return value == null ? "" : value.toString();
    }

    private static String first(MultiValueMap<String, String> form, String key) {
        String value = form.getFirst(key);
        return value == null ? "" : value;
    }

    private static Iterable<Integer> indices(MultiValueMap<String, String> form, Pattern pattern) {
        TreeMap<Integer, Boolean> found = new TreeMap<>();
        for (String key : form.keySet()) {
            Matcher m = pattern.matcher(key);
            if (m.matches()) {
                found.put(Integer.parseInt(m.group(m.groupCount())), true);
            }
        }
        return found.keySet();
    }
}
