package io.polysync.task.profile;

import io.polysync.task.validation.Errors;

import java.time.Duration;
import java.time.format.DateTimeParseException;

/** Checks a contention profile request completely before anything is written. */
final class ContentionProfileValidator {

    record ValidRateLimit(int runs, Duration per) {
    }

    record ValidProfile(String name, Integer maxConcurrent, ValidRateLimit rateLimit) {
    }

    private ContentionProfileValidator() {
    }

    /** @throws io.polysync.task.validation.InvalidRequestException naming every bad field */
    static ValidProfile validate(ContentionProfileRequest request) {
        Errors errors = new Errors();
        errors.requireName("name", request.name());
        if (request.maxConcurrent() != null && request.maxConcurrent() < 1) {
            errors.add("maxConcurrent", "must be 1 or more when given (leave it out for no limit)");
        }
        ValidRateLimit rate = null;
        ContentionProfileRequest.RateLimit limit = request.rateLimit();
        if (limit != null) {
            if (limit.runs() == null) {
                errors.add("rateLimit.runs", "is required");
            } else if (limit.runs() < 1) {
                errors.add("rateLimit.runs", "must be 1 or more");
            }
            Duration per = null;
            if (limit.per() == null || limit.per().isBlank()) {
                errors.add("rateLimit.per", "is required (an ISO-8601 duration such as PT1M)");
            } else {
                try {
                    per = Duration.parse(limit.per());
                    if (per.isNegative() || per.isZero() || per.toMillis() < 1) {
                        errors.add("rateLimit.per", "must be a positive duration of at least 1 ms");
                    }
                } catch (DateTimeParseException e) {
                    errors.add("rateLimit.per", "is not an ISO-8601 duration (e.g. PT30S, PT1M, PT1H)");
                }
            }
            if (errors.isEmpty()) {
                rate = new ValidRateLimit(limit.runs(), per);
            }
        }
        if (request.maxConcurrent() == null && limit == null) {
            errors.add("maxConcurrent", "a profile needs maxConcurrent, rateLimit or both");
        }
        errors.throwIfAny();
        return new ValidProfile(request.name(), request.maxConcurrent(), rate);
    }
}
