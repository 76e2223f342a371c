package io.polysync.task.json;

import io.polysync.model.Json;
import jakarta.persistence.AttributeConverter;
import jakarta.persistence.Converter;
import tools.jackson.core.type.TypeReference;

import java.util.List;

/** A JSON array of strings stored as TEXT. */
@Converter
public class StringListConverter implements AttributeConverter<List<String>, String> {

    private static final TypeReference<List<String>> TYPE = new TypeReference<>() { };

    @Override
    public String convertToDatabaseColumn(List<String> value) {
        return Json.encode(value == null ? List.of() : value);
    }

    @Override
    public List<String> convertToEntityAttribute(String column) {
        return column == null ? List.of() : List.copyOf(Json.mapper().readValue(column, TYPE));
    }
}
