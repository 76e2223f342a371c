package io.polysync.task.job;

import io.polysync.model.jobtype.JobType;
import io.polysync.model.jobtype.JobTypeCatalog;
import io.polysync.task.validation.Errors;

import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.Function;

/** Checks a job request completely, including the platform it names, before anything is written. */
public final class JobValidator {

    /** What validation needs to know of a platform. */
    public record PlatformRef(String name, String type) {
    }

    /** A job request that passed validation, with the job type's schema and outputs filled in when absent. */
    public record ValidJob(String name, String platform, String jobType, Map<String, Object> parameterSchema,
                           Map<String, Object> defaults, List<String> outputs) {
    }

    private final JobTypeCatalog catalog;

    public JobValidator(JobTypeCatalog catalog) {
        this.catalog = catalog;
    }

    /** @throws io.polysync.task.validation.InvalidRequestException naming every bad field */
    public ValidJob validate(JobRequest request, Function<String, Optional<PlatformRef>> platforms) {
        Errors errors = new Errors();
        errors.requireName("name", request.name());

        PlatformRef platform = null;
        if (errors.requireName("platform", request.platform())) {
            platform = platforms.apply(request.platform()).orElse(null);
            if (platform == null) {
                errors.add("platform", "no platform named '" + request.platform() + "'");
            }
        }

        JobType type = null;
        if (request.jobType() == null || request.jobType().isEmpty()) {
            errors.add("jobType", "is required");
        } else {
            type = catalog.find(request.jobType()).orElse(null);
            if (type == null) {
                errors.add("jobType", "is not a known job type; known: " + catalog.all().stream()
                        .map(JobType::name).toList());
            } else if (platform != null && !type.runsOn(platform.type())) {
                errors.add("jobType", "job type '" + type.name() + "' runs on platform types "
                        + type.platformTypes().stream().sorted().toList() + ", but platform '" + platform.name()
                        + "' is of type '" + platform.type() + "'");
            }
        }

        Map<String, Object> schema = request.parameterSchema();
        if (schema != null) {
            Object schemaType = schema.get("type");
            if (schemaType != null && !"object".equals(schemaType)) {
                errors.add("parameterSchema.type", "must be \"object\": parameters are a JSON object");
            }
        }

        Map<String, Object> defaults = request.defaults() == null ? Map.of() : request.defaults();
        errors.checkVaultReferences("defaults", defaults);

        List<String> outputs = request.outputs();
        if (outputs != null) {
            Set<String> seen = new HashSet<>();
            for (int i = 0; i < outputs.size(); i++) {
                String field = "outputs[" + i + "]";
                if (errors.requireIdentifier(field, outputs.get(i)) && !seen.add(outputs.get(i))) {
                    errors.add(field, "is listed twice");
                }
            }
        }
        errors.throwIfAny();

        return new ValidJob(request.name(), request.platform(), type.name(),
                schema != null ? schema : type.parameterSchema(), defaults,
                outputs != null ? outputs : type.outputs());
    }
}
