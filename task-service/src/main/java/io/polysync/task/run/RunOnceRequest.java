package io.polysync.task.run;

import java.util.Map;

/**
 * The optional body of {@code POST /api/v1/tasks/{name}/runs}.
 *
 * @param idempotencyKey the same key twice makes one run (the second call answers the first run)
 * @param parameters     overrides for this run only; they win over every other parameter value
 */
public record RunOnceRequest(String idempotencyKey, Map<String, Object> parameters) {

    static final RunOnceRequest EMPTY = new RunOnceRequest(null, null);
}
