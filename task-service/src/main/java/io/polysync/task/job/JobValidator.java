package io.polysync.task.job;

import io.polysync.model.jobtype.JobType;
import io.polysync.model.jobtype.JobTypeCatalog;
import io.polysync.model.param.ParameterProblem;
import io.polysync.model.param.ParameterValidation;
import io.polysync.task.validation.Errors;
import io.polysync.task.vault.VaultReferences;

import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
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
    private final ParameterValidation parameters;
    private final VaultReferences vaults;

    /** @param vaults checks that every vault reference in the defaults names an existing vault */
    public JobValidator(JobTypeCatalog catalog, VaultReferences vaults) {
        this(catalog, new ParameterValidation(), vaults);
    }

    public JobValidator(JobTypeCatalog catalog, ParameterValidation parameters, VaultReferences vaults) {
        this.catalog = catalog;
        this.parameters = parameters;
        this.vaults = vaults;
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
        if (schema != null && type != null) {
            SchemaNarrowing.check(type.name(), type.parameterSchema(), schema, errors);
        } else if (schema != null && schema.get("type") != null && !"object".equals(schema.get("type"))) {
            errors.add("parameterSchema.type", "must be \"object\": parameters are a JSON object");
        }

        Map<String, Object> defaults = request.defaults() == null ? Map.of() : request.defaults();
        vaults.check(defaults, "defaults", errors);
        if (type != null && errors.isEmpty()) {
            checkDefaults(schema != null ? schema : type.parameterSchema(), defaults, errors);
        }

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

    /**
     * Defaults must be parameters the schema declares, each of the right type. A required parameter may be left to
     * the tasks, so only problems of values that are present count.
     */
    private void checkDefaults(Map<String, Object> schema, Map<String, Object> defaults, Errors errors) {
        Map<?, ?> properties = schema.get("properties") instanceof Map<?, ?> m ? m : Map.of();
        for (String name : defaults.keySet()) {
            if (!properties.containsKey(name)) {
                errors.add("defaults." + name, "is not a parameter of the schema; its parameters are "
                        + new TreeSet<>(properties.keySet().stream().map(String::valueOf).toList()));
            }
        }
        for (ParameterProblem problem : parameters.validate(schema, defaults)) {
            String top = problem.field().split("[.\\[]", 2)[0];
            if (defaults.containsKey(top) && properties.containsKey(top)) {
                errors.add("defaults." + problem.field(), problem.message());
            }
        }
    }
}
