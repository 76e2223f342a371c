package io.polysync.task.definition;

import io.polysync.model.task.Backoff;
import io.polysync.model.task.MisfirePolicy;
import io.polysync.model.task.OutputMapping;
import io.polysync.model.task.RetryPolicy;
import io.polysync.task.validation.FieldError;
import io.polysync.task.validation.InvalidRequestException;
import io.polysync.task.vault.VaultReferences;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;
import java.util.function.Predicate;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

class TaskValidatorTest {

    private static final Map<String, Object> SCHEMA = Map.of("type", "object", "properties", Map.of(
            "path", Map.of("type", "string"), "token", Map.of("type", "string"), "day", Map.of("type", "string"),
            "count", Map.of("type", "integer"),
            "headers", Map.of("type", "object", "additionalProperties", Map.of("type", "string"))));
    private static final Map<String, Object> STRICT_SCHEMA = Map.of("type", "object", "properties", Map.of(
            "path", Map.of("type", "string"), "day", Map.of("type", "string")), "required", List.of("path", "day"));
    private static final Function<String, Optional<TaskValidator.JobRef>> JOBS = name -> switch (name) {
        case "refresh" -> Optional.of(new TaskValidator.JobRef("refresh", List.of("status"), SCHEMA, Map.of()));
        case "strict" -> Optional.of(new TaskValidator.JobRef("strict", List.of(), STRICT_SCHEMA,
                Map.of("day", "mon")));
        default -> Optional.empty();
    };
    /** extract ← b ← c: b depends on extract... and c on b; "load" depends on c. */
    private static final Function<String, Optional<TaskValidator.TaskRef>> TASKS = name -> switch (name) {
        case "extract" -> Optional.of(new TaskValidator.TaskRef("extract", List.of("day"), List.of()));
        case "b" -> Optional.of(new TaskValidator.TaskRef("b", List.of("day"), List.of("extract")));
        case "c" -> Optional.of(new TaskValidator.TaskRef("c", List.of("day"), List.of("b")));
        default -> Optional.empty();
    };
    private static final Predicate<String> PROFILES = "warehouse-a"::equals;
    private static final VaultReferences VAULTS = new VaultReferences(vault -> true);

    private static TaskRequest request(String name, String job) {
        return new TaskRequest(name, job, null, null, null, null, null, null, null, null, null, null);
    }

    private static TaskRequest withRetry(TaskRequest.Retry retry) {
        return new TaskRequest("t", "refresh", null, null, null, null, null, null, retry, null, null, null);
    }

    private static List<String> fields(TaskRequest request) {
        InvalidRequestException e = catchThrowableOfType(InvalidRequestException.class,
                () -> TaskValidator.validate(request, JOBS, TASKS, PROFILES, VAULTS));
        assertThat(e).as("expected the request to be rejected").isNotNull();
        return e.errors().stream().map(FieldError::field).toList();
    }

    @Test
    void appliesDefaultsToAMinimalTask() {
        TaskValidator.ValidTask valid = TaskValidator.validate(request("nightly", "refresh"), JOBS, TASKS, PROFILES, VAULTS);

        assertThat(valid.priority()).isEqualTo(50);
        assertThat(valid.misfirePolicy()).isEqualTo(MisfirePolicy.FIRE_ONCE);
        assertThat(valid.retry()).isEqualTo(RetryPolicy.NONE);
        assertThat(valid.parameters()).isEmpty();
        assertThat(valid.schedules()).isEmpty();
        assertThat(valid.dependencies()).isEmpty();
        assertThat(valid.contentionProfiles()).isEmpty();
        assertThat(valid.catchUpLimit()).isNull();
    }

    @Test
    void namesEveryBadFieldAtOnce() {
        TaskRequest bad = new TaskRequest("Bad Name", "missing", Map.of(), null, null, null, 0, 101,
                new TaskRequest.Retry(true, -1, Backoff.FIXED, -5L, -1L, false), 0L, 0, null);

        assertThat(fields(bad)).containsExactlyInAnyOrder("name", "job", "priority", "retry.maxRetryAttempts",
                "retry.initialDelaySeconds", "retry.maxDelaySeconds", "executionTimeoutSeconds",
                "maxConcurrentRuns", "catchUpLimit");
    }

    @Test
    void requiresNameAndJob() {
        assertThat(fields(request(null, ""))).containsExactly("name", "job");
    }

    @Test
    void refusesTheNameTheWebUiUsesForANewTask() {
        assertThat(fields(request("new", "refresh"))).containsExactly("name");
    }

    @Test
    void acceptsPriorityAtBothEnds() {
        for (int priority : new int[] {0, 100}) {
            TaskRequest r = new TaskRequest("t", "refresh", null, null, null, null, null, priority, null, null,
                    null, null);
            assertThat(TaskValidator.validate(r, JOBS, TASKS, PROFILES, VAULTS).priority()).isEqualTo(priority);
        }
        TaskRequest below = new TaskRequest("t", "refresh", null, null, null, null, null, -1, null, null, null, null);
        assertThat(fields(below)).containsExactly("priority");
    }

    @Test
    void fillsARetryBlockWithDefaults() {
        RetryPolicy retry = TaskValidator.validate(withRetry(new TaskRequest.Retry(null, null, null, null, null,
                null)), JOBS, TASKS, PROFILES, VAULTS).retry();

        assertThat(retry).isEqualTo(new RetryPolicy(true, 3, Backoff.FIXED, 10, null, false));
    }

    @Test
    void keepsAnExplicitRetryPolicy() {
        TaskRequest.Retry given = new TaskRequest.Retry(true, 3, Backoff.EXPONENTIAL, 10L, 300L, true);

        assertThat(TaskValidator.validate(withRetry(given), JOBS, TASKS, PROFILES, VAULTS).retry())
                .isEqualTo(new RetryPolicy(true, 3, Backoff.EXPONENTIAL, 10, 300L, true));
    }

    @Test
    void rejectsAMaxDelayBelowTheInitialDelay() {
        assertThat(fields(withRetry(new TaskRequest.Retry(true, 1, Backoff.FIXED, 60L, 10L, false))))
                .containsExactly("retry.maxDelaySeconds");
    }

    @Test
    void acceptsZeroRetriesAndZeroDelay() {
        RetryPolicy retry = TaskValidator.validate(withRetry(new TaskRequest.Retry(false, 0, Backoff.LINEAR, 0L,
                0L, false)), JOBS, TASKS, PROFILES, VAULTS).retry();

        assertThat(retry.maxRetryAttempts()).isZero();
        assertThat(retry.enabled()).isFalse();
    }

    @Test
    void boundsCatchUpByDefault() {
        TaskRequest r = new TaskRequest("t", "refresh", null, null, null, MisfirePolicy.CATCH_UP, null, null, null,
                null, null, null);

        assertThat(TaskValidator.validate(r, JOBS, TASKS, PROFILES, VAULTS).catchUpLimit()).isEqualTo(10);
    }

    @Test
    void acceptsFiveAndSixFieldCronsAndMacrosInRealZones() {
        TaskRequest r = new TaskRequest("t", "refresh", null, null, List.of(
                new TaskRequest.Schedule("0 2 * * *", "Europe/Berlin"),
                new TaskRequest.Schedule("30 0 2 * * MON-FRI", "America/New_York"),
                new TaskRequest.Schedule("@hourly", null)), null, null, null, null, null, null, null);

        assertThat(TaskValidator.validate(r, JOBS, TASKS, PROFILES, VAULTS).schedules()).containsExactly(
                new TaskValidator.ValidSchedule("0 2 * * *", "Europe/Berlin"),
                new TaskValidator.ValidSchedule("30 0 2 * * MON-FRI", "America/New_York"),
                new TaskValidator.ValidSchedule("@hourly", "UTC"));
    }

    @Test
    void rejectsBadCronsAndUnknownZonesPerSchedule() {
        TaskRequest r = new TaskRequest("t", "refresh", null, null, List.of(
                new TaskRequest.Schedule("61 * * * *", "UTC"),
                new TaskRequest.Schedule("* * * *", "UTC"),
                new TaskRequest.Schedule("@sometimes", "UTC"),
                new TaskRequest.Schedule("0 2 * * *", "Mars/Olympus"),
                new TaskRequest.Schedule(" ", "UTC")), null, null, null, null, null, null, null);

        assertThat(fields(r)).containsExactly("schedules[0].cron", "schedules[1].cron", "schedules[2].cron",
                "schedules[3].timeZone", "schedules[4].cron");
    }

    @Test
    void acceptsADependencyWithAMappingOfADeclaredOutput() {
        TaskRequest r = new TaskRequest("load", "refresh", null, List.of(new TaskRequest.Dependency("extract",
                List.of(new TaskRequest.Mapping("day", "day")))), null, null, null, null, null, null, null, null);

        assertThat(TaskValidator.validate(r, JOBS, TASKS, PROFILES, VAULTS).dependencies()).containsExactly(
                new TaskValidator.ValidDependency("extract", List.of(new OutputMapping("day", "day"))));
    }

    @Test
    void rejectsDependenciesOnItselfOnUnknownTasksTwiceOrWithUndeclaredOutputs() {
        TaskRequest r = new TaskRequest("load", "refresh", null, List.of(
                new TaskRequest.Dependency("load", null),
                new TaskRequest.Dependency("ghost", null),
                new TaskRequest.Dependency("extract", List.of(new TaskRequest.Mapping("month", "day"))),
                new TaskRequest.Dependency("extract", null)), null, null, null, null, null, null, null, null);

        assertThat(fields(r)).containsExactly("dependencies[0].task", "dependencies[1].task",
                "dependencies[2].mappings[0].output", "dependencies[3].task");
    }

    @Test
    void rejectsMalformedVaultReferencesAtAnyDepth() {
        TaskRequest r = new TaskRequest("t", "refresh", Map.of("headers", Map.of("Authorization", "vault://main")),
                null, null, null, null, null, null, null, null, null);

        assertThat(fields(r)).containsExactly("parameters.headers.Authorization");
    }

    @Test
    void acceptsWellFormedVaultReferencesAndLiterals() {
        TaskRequest r = new TaskRequest("t", "refresh", Map.of("token", "vault://main/billing-token", "path", "/x"),
                null, null, null, null, null, null, null, null, null);

        assertThat(TaskValidator.validate(r, JOBS, TASKS, PROFILES, VAULTS).parameters()).containsEntry("path", "/x");
    }

    @Test
    void rejectsBadAndDuplicateContentionProfiles() {
        TaskRequest r = new TaskRequest("t", "refresh", null, null, null, null, null, null, null, null, null,
                java.util.Arrays.asList("warehouse-a", "warehouse-a", "Bad!", null, "nowhere"));

        assertThat(fields(r)).containsExactly("contentionProfiles[1]", "contentionProfiles[2]",
                "contentionProfiles[3]", "contentionProfiles[4]");
    }

    @Test
    void neverEvaluatesUserInputInMessages() {
        TaskRequest r = request("${7*7}", "#{7*7}");

        assertThatThrownBy(() -> TaskValidator.validate(r, JOBS, TASKS, PROFILES, VAULTS))
                .isInstanceOfSatisfying(InvalidRequestException.class, e -> assertThat(e.errors())
                        .extracting(FieldError::message).noneMatch(m -> m.contains("49")));
    }

    @Test
    void rejectsUnknownParameterNamesAndWrongTypesNamingEach() {
        TaskRequest r = new TaskRequest("t", "refresh", Map.of("pth", "/x", "count", "three", "path", 5), null,
                null, null, null, null, null, null, null, null);

        assertThat(fields(r)).containsExactlyInAnyOrder("parameters.pth", "parameters.count", "parameters.path");
    }

    @Test
    void requiresWhatNeitherTheJobDefaultsNorAMappingSupply() {
        assertThat(fields(request("t", "strict"))).containsExactly("parameters.path");
        TaskRequest mapped = new TaskRequest("t", "strict", null, List.of(new TaskRequest.Dependency("extract",
                List.of(new TaskRequest.Mapping("day", "path")))), null, null, null, null, null, null, null, null);
        assertThat(TaskValidator.validate(mapped, JOBS, TASKS, PROFILES, VAULTS).parameters()).isEmpty();
    }

    @Test
    void acceptsAVaultReferenceWhereAStringIsAllowedButNotForAnInteger() {
        TaskRequest r = new TaskRequest("t", "refresh", Map.of("token", "vault://main/t", "count", "vault://main/n"),
                null, null, null, null, null, null, null, null, null);

        assertThat(fields(r)).containsExactly("parameters.count");
    }

    @Test
    void rejectsAMappingIntoAnInputTheJobDoesNotAccept() {
        TaskRequest r = new TaskRequest("load", "refresh", null, List.of(new TaskRequest.Dependency("extract",
                List.of(new TaskRequest.Mapping("day", "weekday")))), null, null, null, null, null, null, null, null);

        assertThat(fields(r)).containsExactly("dependencies[0].mappings[0].input");
    }

    @Test
    void rejectsADependencyThatClosesACycleNamingIt() {
        TaskRequest r = new TaskRequest("extract", "refresh", null, List.of(new TaskRequest.Dependency("c", null)),
                null, null, null, null, null, null, null, null);

        InvalidRequestException e = catchThrowableOfType(InvalidRequestException.class,
                () -> TaskValidator.validate(r, JOBS, TASKS, PROFILES, VAULTS));

        assertThat(e.errors()).containsExactly(new FieldError("dependencies[0].task",
                "would close the cycle extract → c → b → extract"));
    }
}
