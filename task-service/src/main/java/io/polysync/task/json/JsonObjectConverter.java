package io.polysync.task.json;

import io.polysync.model.Json;
import jakarta.persistence.AttributeConverter;
import jakarta.persistence.Converter;
import tools.jackson.core.type.TypeReference;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * A JSON object stored as TEXT (the same column type on PostgreSQL and H2). Values are replaced, never mutated. Most
 * stored objects are empty (the outputs of every run that has not succeeded), so those skip Jackson both ways.
 */
@Converter
public class JsonObjectConverter implements AttributeConverter<Map<String, Object>, String> {

    private static final TypeReference<LinkedHashMap<String, Object>> TYPE = new TypeReference<>() { };
    private static final String EMPTY = "{}";

    @Override
    public String convertToDatabaseColumn(Map<String, Object> value) {
        return value == null || value.isEmpty() ? EMPTY : Json.encode(value);
    }

    @Override
    public Map<String, Object> convertToEntityAttribute(String column) {
        if (column == null) {
            return Map.of();
        }
        return EMPTY.equals(column) ? new LinkedHashMap<>() : Json.mapper().readValue(column, TYPE);
    }
}
