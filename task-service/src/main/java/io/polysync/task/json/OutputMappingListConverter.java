package io.polysync.task.json;

import io.polysync.model.Json;
import io.polysync.model.task.OutputMapping;
import jakarta.persistence.AttributeConverter;
import jakarta.persistence.Converter;
import tools.jackson.core.type.TypeReference;

import java.util.List;

/** The output mappings of one dependency, stored as a TEXT JSON array of {@code {output, input}}. */
@Converter
public class OutputMappingListConverter implements AttributeConverter<List<OutputMapping>, String> {

    private static final TypeReference<List<OutputMapping>> TYPE = new TypeReference<>() { };

    @Override
    public String convertToDatabaseColumn(List<OutputMapping> value) {
        return Json.encode(value == null ? List.of() : value);
    }

    @Override
    public List<OutputMapping> convertToEntityAttribute(String column) {
        return column == null ? List.of() : List.copyOf(Json.mapper().readValue(column, TYPE));
    }
}
