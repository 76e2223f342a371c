package io.polysync.task.json;

import io.polysync.model.Json;
import jakarta.persistence.AttributeConverter;
import jakarta.persistence.Converter;
import tools.jackson.core.type.TypeReference;

import java.util.LinkedHashMap;
import java.util.Map;

/** A JSON object stored as TEXT (the same column type on PostgreSQL and H2). Values are replaced, never mutated. */
@Converter
public class JsonObjectConverter implements AttributeConverter<Map<String, Object>, String> {

    private static final TypeReference<LinkedHashMap<String, Object>> TYPE = new TypeReference<>() { };

    @Override
    public String convertToDatabaseColumn(Map<String, Object> value) {
        return Json.encode(value == null ? Map.of() : value);
    }

    @Override
    public Map<String, Object> convertToEntityAttribute(String column) {
        return column == null ? Map.of() : Json.mapper().readValue(column, TYPE);
    }
}
