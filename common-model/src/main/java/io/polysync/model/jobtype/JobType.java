package io.polysync.model.jobtype;

import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * A kind of work on a platform type: one worker executor per Job Type.
 *
 * @param platformTypes   the platform types a job of this type may run against; empty means any
 * @param parameterSchema JSON Schema (draft 2020-12) of the parameters; a job's schema may only narrow it
 * @param outputs         the names of the outputs the executor reports
 */
public record JobType(String name, String description, Set<String> platformTypes, Map<String, Object> parameterSchema,
                      List<String> outputs) {

    public boolean runsOn(String platformType) {
        return platformTypes.isEmpty() || platformTypes.contains(platformType);
    }
}
