package io.polysync.model.param;

import java.util.LinkedHashMap;
import java.util.Map;

/** Parameter precedence (DESIGN.md section 10 rule 13), computed the same way wherever it is needed. */
public final class Parameters {

    private Parameters() {
    }

    /** Trigger overrides win over mapped parent outputs, which win over task literals, which win over job defaults. */
    public static Map<String, Object> effective(Map<String, Object> jobDefaults, Map<String, Object> taskValues,
                                                Map<String, Object> mappedOutputs, Map<String, Object> overrides) {
        Map<String, Object> result = new LinkedHashMap<>();
        putAll(result, jobDefaults);
        putAll(result, taskValues);
        putAll(result, mappedOutputs);
        putAll(result, overrides);
        return result;
    }

    private static void putAll(Map<String, Object> target, Map<String, Object> source) {
        if (source != null) {
            target.putAll(source);
        }
    }
}
