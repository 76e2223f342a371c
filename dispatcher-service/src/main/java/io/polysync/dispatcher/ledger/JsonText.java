package io.polysync.dispatcher.ledger;

import io.polysync.model.Json;
import tools.jackson.core.type.TypeReference;

import java.util.Map;

/** JSON kept in TEXT columns (both PostgreSQL and H2 store it), read back through the one wire mapper. */
final class JsonText {

    private static final TypeReference<Map<String, Object>> MAP = new TypeReference<>() {
    };

    private JsonText() {
    }

    static Map<String, Object> map(String text) {
        return text == null ? null : Json.mapper().readValue(text, MAP);
    }
}
