package io.polysync.task.definition;

import io.polysync.model.task.Backoff;
import io.polysync.model.task.MisfirePolicy;
import io.polysync.model.task.OutputMapping;
import io.polysync.model.task.RetryPolicy;
import io.polysync.model.task.TaskSnapshot;
import io.polysync.task.validation.Errors;
import io.polysync.task.vault.VaultReferences;

import java.time.DateTimeException;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.Function;
import java.util.function.Predicate;

/**
 * Checks a task request completely, including the job and upstream tasks it names, before anything is written.
 * Defaults: priority 50, misfire policy FIRE_ONCE (CATCH_UP bounded by 10 missed fires unless told), time zone UTC,
 * no retry; a retry block without values retries 3 times, FIXED every 10 s.
 */
public final class TaskValidator {

    public static final int MIN_PRIORITY = 0;
    public static final int MAX_PRIORITY = 100;
    static final int DEFAULT_CATCH_UP_LIMIT = 10;
    static final int DEFAULT_RETRY_ATTEMPTS = 3;
    static final long DEFAULT_RETRY_DELAY_SECONDS = 10;

    /** What validation needs to know of a job. */
    public record JobRef(String name, List<String> outputs, Map<String, Object> parameterSchema,
                         Map<String, Object> defaults) {
    }

    /**
     * What validation needs to know of an existing task that may become a parent.
     *
     * @param outputs its job's declared outputs
     * @param parents the names of its own upstream tasks, to find cycles
     */
    public record TaskRef(String name, List<String> outputs, List<String> parents) {
    }

    public record ValidSchedule(String cron, String timeZone) {
    }

    public record ValidDependency(String task, List<OutputMapping> mappings) {
    }

    /** A task request that passed validation, with every default applied. */
    public record ValidTask(String name, String job, Map<String, Object> parameters,
                            List<ValidDependency> dependencies, List<ValidSchedule> schedules,
                            MisfirePolicy misfirePolicy, Integer catchUpLimit, int priority, RetryPolicy retry,
                            Long executionTimeoutSeconds, Integer maxConcurrentRuns,
                            List<String> contentionProfiles) {
    }

    private TaskValidator() {
    }

    /**
     * @param profiles whether a contention profile of that name exists
     * @param vaults   checks that every vault reference in the parameters names an existing vault
     * @throws io.polysync.task.validation.InvalidRequestException naming every bad field
     */
    /** Names the web UI takes for itself under /tasks/. */
    private static final Set<String> RESERVED_NAMES = Set.of("new");

    public static ValidTask validate(TaskRequest request, Function<String, Optional<JobRef>> jobs,
                                     Function<String, Optional<TaskRef>> tasks, Predicate<String> profiles,
                                     VaultReferences vaults) {
        Errors errors = new Errors();
        if (errors.requireName("name", request.name()) && RESERVED_NAMES.contains(request.name())) {
            errors.add("name", "'" + request.name() + "' is reserved: the web UI's /tasks/" + request.name()
                    + " is the page for a new task");
        }
        JobRef job = null;
        if (errors.requireName("job", request.job())) {
            job = jobs.apply(request.job()).orElse(null);
            if (job == null) {
                errors.add("job", "no job named '" + request.job() + "'");
            }
        }

        Map<String, Object> parameters = request.parameters() == null ? Map.of() : request.parameters();
        vaults.check(parameters, "parameters", errors);

        int priority = request.priority() == null ? TaskSnapshot.DEFAULT_PRIORITY : request.priority();
        if (priority < MIN_PRIORITY || priority > MAX_PRIORITY) {
            errors.add("priority", "must be between " + MIN_PRIORITY + " and " + MAX_PRIORITY);
        }

        RetryPolicy retry = retry(request.retry(), errors);
        positive(errors, "executionTimeoutSeconds", request.executionTimeoutSeconds());
        positive(errors, "maxConcurrentRuns", request.maxConcurrentRuns());
        positive(errors, "catchUpLimit", request.catchUpLimit());

        MisfirePolicy misfire = request.misfirePolicy() == null ? MisfirePolicy.FIRE_ONCE : request.misfirePolicy();
        Integer catchUpLimit = request.catchUpLimit();
        if (catchUpLimit == null && misfire == MisfirePolicy.CATCH_UP) {
            catchUpLimit = DEFAULT_CATCH_UP_LIMIT;
        }

        List<ValidSchedule> schedules = schedules(request.schedules(), errors);
        List<ValidDependency> dependencies = dependencies(request.name(), request.dependencies(), job, tasks,
                errors);
        List<String> contentionProfiles = contentionProfiles(request.contentionProfiles(), profiles, errors);
        if (job != null) {
            Set<String> mappedInputs = new HashSet<>();
            dependencies.forEach(d -> d.mappings().forEach(m -> mappedInputs.add(m.input())));
            TaskParameters.problems(job.name(), job.parameterSchema(), job.defaults(), parameters, mappedInputs)
                    .forEach(e -> errors.add(e.field(), e.message()));
        }

        errors.throwIfAny();
        return new ValidTask(request.name(), request.job(), parameters, dependencies, schedules, misfire,
                catchUpLimit, priority, retry, request.executionTimeoutSeconds(), request.maxConcurrentRuns(),
                contentionProfiles);
    }

    static RetryPolicy retry(TaskRequest.Retry retry, Errors errors) {
        if (retry == null) {
            return RetryPolicy.NONE;
        }
        int attempts = retry.maxRetryAttempts() == null ? DEFAULT_RETRY_ATTEMPTS : retry.maxRetryAttempts();
        long initial = retry.initialDelaySeconds() == null ? DEFAULT_RETRY_DELAY_SECONDS : retry.initialDelaySeconds();
        if (attempts < 0) {
            errors.add("retry.maxRetryAttempts", "must be 0 or more");
        }
        if (initial < 0) {
            errors.add("retry.initialDelaySeconds", "must be 0 or more");
        }
        Long max = retry.maxDelaySeconds();
        if (max != null && max < 0) {
            errors.add("retry.maxDelaySeconds", "must be 0 or more");
        } else if (max != null && initial >= 0 && max < initial) {
            errors.add("retry.maxDelaySeconds", "must be at least initialDelaySeconds (" + initial + ")");
        }
        return new RetryPolicy(retry.enabled() == null || retry.enabled(), attempts,
                retry.backoff() == null ? Backoff.FIXED : retry.backoff(), initial, max,
                retry.jitter() != null && retry.jitter());
    }

    private static void positive(Errors errors, String field, Number value) {
        if (value != null && value.longValue() < 1) {
            errors.add(field, "must be 1 or more when given (leave it out for no limit)");
        }
    }

    static List<ValidSchedule> schedules(List<TaskRequest.Schedule> schedules, Errors errors) {
        if (schedules == null) {
            return List.of();
        }
        List<ValidSchedule> valid = new ArrayList<>();
        for (int i = 0; i < schedules.size(); i++) {
            String field = "schedules[" + i + "]";
            TaskRequest.Schedule s = schedules.get(i);
            if (s == null) {
                errors.add(field, "must be an object {cron, timeZone}");
                continue;
            }
            if (s.cron() == null || s.cron().isBlank()) {
                errors.add(field + ".cron", "is required");
            } else {
                CronRules.problem(s.cron()).ifPresent(problem -> errors.add(field + ".cron", problem));
            }
            String zone = s.timeZone() == null ? "UTC" : s.timeZone();
            try {
                ZoneId.of(zone);
            } catch (DateTimeException e) {
                errors.add(field + ".timeZone", "is not a known time zone (use a region id such as Europe/Berlin)");
            }
            valid.add(new ValidSchedule(s.cron() == null ? null : s.cron().trim(), zone));
        }
        return valid;
    }

    private static List<ValidDependency> dependencies(String self, List<TaskRequest.Dependency> dependencies,
                                                      JobRef job, Function<String, Optional<TaskRef>> tasks,
                                                      Errors errors) {
        Set<String> accepted = job == null ? null : TaskParameters.accepted(job.parameterSchema());
        if (dependencies == null) {
            return List.of();
        }
        List<ValidDependency> valid = new ArrayList<>();
        Set<String> parents = new HashSet<>();
        Set<String> inputs = new HashSet<>();
        for (int i = 0; i < dependencies.size(); i++) {
            String field = "dependencies[" + i + "]";
            TaskRequest.Dependency d = dependencies.get(i);
            if (d == null) {
                errors.add(field, "must be an object {task, mappings}");
                continue;
            }
            TaskRef parent = null;
            if (errors.requireName(field + ".task", d.task())) {
                if (d.task().equals(self)) {
                    errors.add(field + ".task", "a task cannot depend on itself");
                } else if (!parents.add(d.task())) {
                    errors.add(field + ".task", "is listed twice");
                } else {
                    parent = tasks.apply(d.task()).orElse(null);
                    if (parent == null) {
                        errors.add(field + ".task", "no task named '" + d.task() + "'");
                    } else if (self != null) {
                        DependencyCycles.closedBy(self, d.task(), name -> tasks.apply(name)
                                        .map(TaskRef::parents).orElse(List.of()))
                                .ifPresent(cycle -> errors.add(field + ".task", "would close the cycle "
                                        + DependencyCycles.describe(cycle)));
                    }
                }
            }
            List<OutputMapping> mappings = new ArrayList<>();
            List<TaskRequest.Mapping> requested = d.mappings() == null ? List.of() : d.mappings();
            for (int j = 0; j < requested.size(); j++) {
                String mf = field + ".mappings[" + j + "]";
                TaskRequest.Mapping m = requested.get(j);
                if (m == null) {
                    errors.add(mf, "must be an object {output, input}");
                    continue;
                }
                if (errors.requireIdentifier(mf + ".output", m.output()) && parent != null
                        && !parent.outputs().contains(m.output())) {
                    errors.add(mf + ".output", "task '" + parent.name() + "' declares no output '" + m.output()
                            + "'; its outputs are " + parent.outputs());
                }
                if (errors.requireIdentifier(mf + ".input", m.input())) {
                    if (!inputs.add(m.input())) {
                        errors.add(mf + ".input", "is already mapped from another output");
                    } else if (accepted != null && !accepted.contains(m.input())) {
                        errors.add(mf + ".input", "job '" + job.name() + "' accepts no parameter '" + m.input()
                                + "'; its parameters are " + accepted);
                    }
                }
                mappings.add(new OutputMapping(m.output(), m.input()));
            }
            valid.add(new ValidDependency(d.task(), mappings));
        }
        return valid;
    }

    private static List<String> contentionProfiles(List<String> profiles, Predicate<String> exists,
                                                   Errors errors) {
        if (profiles == null) {
            return List.of();
        }
        Set<String> seen = new HashSet<>();
        for (int i = 0; i < profiles.size(); i++) {
            String field = "contentionProfiles[" + i + "]";
            if (errors.requireName(field, profiles.get(i))) {
                if (!seen.add(profiles.get(i))) {
                    errors.add(field, "is listed twice");
                } else if (!exists.test(profiles.get(i))) {
                    errors.add(field, "no contention profile named '" + profiles.get(i) + "'");
                }
            }
        }
        return new ArrayList<>(profiles);
    }
}
