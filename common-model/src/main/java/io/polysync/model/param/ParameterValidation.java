package io.polysync.model.param;

import com.networknt.schema.Error;
import com.networknt.schema.Schema;
import com.networknt.schema.SchemaException;
import com.networknt.schema.SchemaRegistry;
import com.networknt.schema.SpecificationVersion;
import com.networknt.schema.path.NodePath;
import io.polysync.model.Json;
import tools.jackson.core.type.TypeReference;
import tools.jackson.databind.JsonNode;

import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * Checks effective parameters (DESIGN.md section 10 rule 13) against a job's parameter schema, JSON Schema draft
 * 2020-12 unless the schema names another dialect in {@code $schema}. The task-service uses it to answer 400 on API
 * triggers and the dispatcher to fail runs of other triggers, so both judge a parameter set the same way.
 *
 * <p>A well-formed vault reference stands for a string that only the worker sees: it satisfies any keyword that
 * constrains a string's content ({@code enum}, {@code pattern}, {@code format}, lengths), but not a {@code type}
 * that excludes strings. Schemas never load anything over the network; a {@code $ref} to a remote document is a
 * problem, not a fetch. Compiled schemas are cached (bounded, least recently used first out); instances are
 * thread-safe.
 */
public final class ParameterValidation {

    /** Keywords that a vault reference fails for what it is (a string), whatever secret it stands for. */
    private static final Set<String> TYPE_KEYWORDS = Set.of("type", "false");

    private static final int DEFAULT_CACHE_SIZE = 1_000;
    private static final TypeReference<Map<String, Object>> KEY_TYPE = new TypeReference<>() {
    };

    private final SchemaRegistry registry = SchemaRegistry.withDefaultDialect(SpecificationVersion.DRAFT_2020_12,
            builder -> builder.schemaLoader(loader -> loader.fetchRemoteResources(false)));
    private final Map<Map<String, Object>, Schema> cache;

    public ParameterValidation() {
        this(DEFAULT_CACHE_SIZE);
    }

    public ParameterValidation(int cacheSize) {
        this.cache = Collections.synchronizedMap(new LinkedHashMap<>(16, 0.75f, true) {
            @Override
            protected boolean removeEldestEntry(Map.Entry<Map<String, Object>, Schema> eldest) {
                return size() > cacheSize;
            }
        });
    }

    /**
     * Every problem of {@code parameters} against {@code schema}, in the validator's order; empty when they are
     * valid. An empty or absent schema accepts everything. A schema that cannot be compiled yields one problem
     * with an empty field, since no parameter set can satisfy it.
     */
    public List<ParameterProblem> validate(Map<String, Object> schema, Map<String, Object> parameters) {
        if (schema == null || schema.isEmpty()) {
            return List.of();
        }
        JsonNode instance = Json.mapper().valueToTree(parameters == null ? Map.of() : parameters);
        List<Error> errors;
        try {
            errors = compiled(schema).validate(instance);
        } catch (SchemaException e) {
            return List.of(new ParameterProblem("", "the job's parameter schema cannot be used: " + e.getMessage()));
        }
        List<ParameterProblem> problems = new ArrayList<>();
        for (Error error : errors) {
            if (standsForASecret(error)) {
                continue;
            }
            ParameterProblem problem = new ParameterProblem(field(error), message(error));
            if (!problems.contains(problem)) {
                problems.add(problem);
            }
        }
        return problems;
    }

    /** "path: is required; sleepMillis: must be an integer", for run errors and log lines. */
    public static String describe(List<ParameterProblem> problems) {
        return problems.stream().map(ParameterProblem::toString).collect(Collectors.joining("; "));
    }

    /**
     * Looked up by the schema's own value (the map's equals and hashCode), not by its JSON text: encoding it was half
     * of the dispatcher's parameter check on every run. The key kept is a copy, so a caller that changes its map
     * later cannot corrupt the cache.
     */
    private Schema compiled(Map<String, Object> schema) {
        Schema found = cache.get(schema);
        if (found == null) {
            JsonNode tree = Json.mapper().valueToTree(schema);
            found = registry.getSchema(tree);
            found.initializeValidators();
            cache.put(Json.mapper().convertValue(tree, KEY_TYPE), found);
        }
        return found;
    }

    private static boolean standsForASecret(Error error) {
        JsonNode node = error.getInstanceNode();
        return node != null && node.isString() && VaultReference.parse(node.asString()).isPresent()
                && !TYPE_KEYWORDS.contains(String.valueOf(error.getKeyword()));
    }

    /** The instance location as a parameter path, plus the property a required/additionalProperties error names. */
    private static String field(Error error) {
        StringBuilder path = new StringBuilder();
        NodePath location = error.getInstanceLocation();
        for (int i = 0; location != null && i < location.getNameCount(); i++) {
            append(path, location.getElement(i));
        }
        String property = error.getProperty();
        if (property != null && !property.isEmpty() && !endsWith(location, property)) {
            append(path, property);
        }
        return path.toString();
    }

    private static boolean endsWith(NodePath location, String property) {
        return location != null && location.getNameCount() > 0
                && property.equals(String.valueOf(location.getElement(location.getNameCount() - 1)));
    }

    private static void append(StringBuilder path, Object element) {
        if (element instanceof Integer index) {
            path.append('[').append(index).append(']');
        } else {
            if (!path.isEmpty()) {
                path.append('.');
            }
            path.append(element);
        }
    }

    /** The validator prefixes its messages with the instance location, which {@link #field} already carries. */
    private static String message(Error error) {
        String message = error.getMessage();
        String location = String.valueOf(error.getInstanceLocation());
        if (message != null && message.startsWith(location + ": ")) {
            return message.substring(location.length() + 2);
        }
        return message;
    }
}
