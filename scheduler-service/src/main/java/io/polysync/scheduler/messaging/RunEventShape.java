package io.polysync.scheduler.messaging;

import io.polysync.model.Json;
import tools.jackson.core.JacksonException;
import tools.jackson.core.JsonParser;
import tools.jackson.core.JsonToken;

/**
 * Tells, from a run event's top-level {@code type}, {@code state} and {@code error.retryable} alone, whether it can
 * concern the scheduler. Two of a run's three lifecycle events (QUEUED, RUNNING) do not, and binding them to records
 * (instants, maps, nested objects) was a twentieth of the whole pipeline's CPU under load; the streaming parser only
 * steps over them. Anything it cannot read is left to the full decode, which refuses it properly (dead letter).
 */
final class RunEventShape {

    private RunEventShape() {
    }

    /** False only for a well-formed event of a known type that certainly does not concern the scheduler. */
    static boolean mayConcernScheduler(String json) {
        try (JsonParser parser = Json.mapper().createParser(json)) {
            if (parser.nextToken() != JsonToken.START_OBJECT) {
                return true;
            }
            String type = null;
            String state = null;
            boolean retryable = false;
            while (parser.nextToken() == JsonToken.PROPERTY_NAME) {
                String name = parser.currentName();
                JsonToken value = parser.nextToken();
                switch (name) {
                    case "type" -> type = value == JsonToken.VALUE_STRING ? parser.getString() : null;
                    case "state" -> state = value == JsonToken.VALUE_STRING ? parser.getString() : null;
                    case "error" -> retryable = value == JsonToken.START_OBJECT && retryable(parser);
                    default -> parser.skipChildren();
                }
            }
            if (type == null) {
                return true;
            }
            return switch (type) {
                case "RetryScheduled", "RunWaiting" -> false;
                case "RunStateChanged" -> state == null || state.equals("SUCCEEDED")
                        || state.equals("FAILED") && retryable;
                default -> true;
            };
        } catch (JacksonException e) {
            return true;
        }
    }

    /** Reads an error object to its end; true when it says {@code "retryable": true}. */
    private static boolean retryable(JsonParser parser) {
        boolean retryable = false;
        while (parser.nextToken() == JsonToken.PROPERTY_NAME) {
            String name = parser.currentName();
            JsonToken value = parser.nextToken();
            if (name.equals("retryable")) {
                retryable = value == JsonToken.VALUE_TRUE;
            } else {
                parser.skipChildren();
            }
        }
        return retryable;
    }
}
