package io.polysync.task.platform;

import io.polysync.model.jobtype.JobTypeCatalog;
import io.polysync.task.validation.Errors;
import io.polysync.task.vault.VaultReferences;

import java.util.Map;
import java.util.TreeSet;

/** Checks a platform request completely before anything is written. */
public final class PlatformValidator {

    /** A platform request that passed validation, with defaults applied (see {@link PlatformConfigValidator}). */
    public record ValidPlatform(String name, String type, Map<String, Object> config) {
    }

    private PlatformValidator() {
    }

    /**
     * @param vaults checks that every vault reference names an existing vault
     * @throws io.polysync.task.validation.InvalidRequestException naming every bad field
     */
    public static ValidPlatform validate(PlatformRequest request, VaultReferences vaults) {
        Errors errors = new Errors();
        errors.requireName("name", request.name());
        if (request.type() == null || request.type().isEmpty()) {
            errors.add("type", "is required");
        } else if (!JobTypeCatalog.PLATFORM_TYPES.contains(request.type())) {
            errors.add("type", "must be one of " + new TreeSet<>(JobTypeCatalog.PLATFORM_TYPES));
        }
        Map<String, Object> config = request.config() == null ? Map.of() : request.config();
        if (request.type() != null && JobTypeCatalog.PLATFORM_TYPES.contains(request.type())) {
            config = PlatformConfigValidator.validate(request.type(), config, errors);
        }
        vaults.check(config, "config", errors);
        errors.throwIfAny();
        return new ValidPlatform(request.name(), request.type(), config);
    }
}
