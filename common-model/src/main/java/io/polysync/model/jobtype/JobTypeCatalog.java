package io.polysync.model.jobtype;

import io.polysync.model.Json;
import tools.jackson.core.type.TypeReference;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * The Job Types Polysync knows. The task-service validates jobs against it and the worker refuses to start unless
 * it has an executor for each entry, so the two cannot disagree. Each entry is a JSON resource beside this class.
 */
public final class JobTypeCatalog {

    public static final String NOOP = "noop";
    public static final String HTTP_REQUEST = "http.request";
    public static final String SHELL_COMMAND = "shell.command";
    public static final String SQL_QUERY = "sql.query";
    public static final String KAFKA_PUBLISH = "kafka.publish";

    /** Platform types a Platform may have. */
    public static final Set<String> PLATFORM_TYPES = Set.of("http", "postgres", "kafka", "shell");

    private static final List<String> BUILT_IN = List.of(NOOP, HTTP_REQUEST, SHELL_COMMAND, SQL_QUERY, KAFKA_PUBLISH);

    private final Map<String, JobType> types;

    private JobTypeCatalog(Map<String, JobType> types) {
        this.types = types;
    }

    public static JobTypeCatalog builtIn() {
        Map<String, JobType> types = new LinkedHashMap<>();
        for (String name : BUILT_IN) {
            types.put(name, load(name));
        }
        return new JobTypeCatalog(Map.copyOf(types));
    }

    public Optional<JobType> find(String name) {
        return Optional.ofNullable(types.get(name));
    }

    public Collection<JobType> all() {
        return BUILT_IN.stream().map(types::get).toList();
    }

    public Set<String> names() {
        return types.keySet();
    }

    private static JobType load(String name) {
        String resource = name + ".json";
        try (InputStream in = JobTypeCatalog.class.getResourceAsStream(resource)) {
            if (in == null) {
                throw new IllegalStateException("missing job type resource " + resource);
            }
            Map<String, Object> json = Json.mapper().readValue(in, new TypeReference<Map<String, Object>>() { });
            @SuppressWarnings("unchecked")
            Map<String, Object> schema = (Map<String, Object>) json.get("parameterSchema");
            @SuppressWarnings("unchecked")
            List<String> platformTypes = (List<String>) json.getOrDefault("platformTypes", List.of());
            @SuppressWarnings("unchecked")
            List<String> outputs = (List<String>) json.getOrDefault("outputs", List.of());
            return new JobType(name, (String) json.get("description"), Set.copyOf(platformTypes), schema, outputs);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
