package io.polysync.task.job;

import io.polysync.model.jobtype.JobTypeCatalog;
import io.polysync.task.validation.FieldError;
import io.polysync.task.validation.InvalidRequestException;
import io.polysync.task.vault.VaultReferences;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.Function;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

class JobValidatorTest {

    private final JobTypeCatalog catalog = JobTypeCatalog.builtIn();
    private final JobValidator validator = new JobValidator(catalog, new VaultReferences(Set.of("ops")::contains));
    private final Function<String, Optional<JobValidator.PlatformRef>> platforms = name -> switch (name) {
        case "billing-api" -> Optional.of(new JobValidator.PlatformRef("billing-api", "http"));
        case "worker-shell" -> Optional.of(new JobValidator.PlatformRef("worker-shell", "shell"));
        default -> Optional.empty();
    };

    private List<FieldError> errors(JobRequest request) {
        InvalidRequestException e = catchThrowableOfType(InvalidRequestException.class,
                () -> validator.validate(request, platforms));
        assertThat(e).as("expected the request to be rejected").isNotNull();
        return e.errors();
    }

    @Test
    void aDefaultMayReferOnlyToAnExistingVault() {
        JobRequest known = new JobRequest("refresh", "worker-shell", "shell.command", null,
                Map.of("env", Map.of("TOKEN", "vault://ops/token")), null);
        JobRequest unknown = new JobRequest("refresh", "worker-shell", "shell.command", null,
                Map.of("env", Map.of("TOKEN", "vault://nowhere/token")), null);

        assertThat(validator.validate(known, platforms).defaults()).isEqualTo(known.defaults());
        assertThat(errors(unknown)).extracting(FieldError::field).containsExactly("defaults.env.TOKEN");
        assertThat(errors(unknown)).extracting(FieldError::message)
                .containsExactly("names vault 'nowhere', which does not exist");
    }

    @Test
    void takesTheJobTypesSchemaAndOutputsWhenNoneAreGiven() {
        JobValidator.ValidJob job = validator.validate(
                new JobRequest("refresh", "billing-api", "http.request", null, Map.of("method", "POST"), null),
                platforms);

        assertThat(job.parameterSchema()).isEqualTo(catalog.find("http.request").orElseThrow().parameterSchema());
        assertThat(job.outputs()).containsExactly("status", "body");
        assertThat(job.defaults()).containsEntry("method", "POST");
    }

    @Test
    void keepsAGivenSchemaAndOutputs() {
        Map<String, Object> schema = Map.of("type", "object", "properties", Map.of());
        JobValidator.ValidJob job = validator.validate(
                new JobRequest("n", "worker-shell", "noop", schema, null, List.of("day")), platforms);

        assertThat(job.parameterSchema()).isEqualTo(schema);
        assertThat(job.outputs()).containsExactly("day");
        assertThat(job.defaults()).isEmpty();
    }

    @Test
    void rejectsAnUnknownJobTypeNamingJobType() {
        assertThat(errors(new JobRequest("j", "billing-api", "sql.quer", null, null, null)))
                .extracting(FieldError::field).containsExactly("jobType");
    }

    @Test
    void rejectsAJobTypeThatDoesNotRunOnThePlatformsType() {
        List<FieldError> errors = errors(new JobRequest("j", "worker-shell", "http.request", null, null, null));

        assertThat(errors).extracting(FieldError::field).containsExactly("jobType");
        assertThat(errors.get(0).message()).contains("[http]").contains("shell");
    }

    @Test
    void rejectsAnUnknownPlatformNamingPlatform() {
        assertThat(errors(new JobRequest("j", "nowhere", "noop", null, null, null)))
                .extracting(FieldError::field).containsExactly("platform");
    }

    @Test
    void namesEveryMissingField() {
        assertThat(errors(new JobRequest(null, null, null, null, null, null)))
                .extracting(FieldError::field).containsExactly("name", "platform", "jobType");
    }

    @Test
    void rejectsANonObjectSchemaAndBadOrDuplicateOutputs() {
        assertThat(errors(new JobRequest("j", "worker-shell", "noop", Map.of("type", "array"), null,
                java.util.Arrays.asList("day", "day", "1bad", null))))
                .extracting(FieldError::field)
                .containsExactly("parameterSchema.type", "outputs[1]", "outputs[2]", "outputs[3]");
    }
}
