package io.polysync.standalone.operations;

import io.polysync.dispatcher.config.DispatcherProperties;
import io.polysync.model.Json;
import io.polysync.runtime.RuntimeProperties;
import io.polysync.scheduler.config.SchedulerProperties;
import io.polysync.task.config.TaskServiceProperties;
import io.polysync.worker.config.WorkerProperties;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.Binder;
import org.springframework.boot.context.properties.source.MapConfigurationPropertySource;
import tools.jackson.databind.JsonNode;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.lang.reflect.RecordComponent;
import java.net.URL;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Collections;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * What a service really reads, from its own yml and code: its port, its health endpoints, and the property names an
 * environment variable may bind to (relaxed binding) — the yml's keys and placeholders, its
 * {@code @ConfigurationProperties} records, and Spring Boot's documented properties.
 */
final class ServiceConfiguration {

    private static final Map<String, List<Class<?>>> PROPERTIES_RECORDS = Map.of(
            "task-service", List.of(TaskServiceProperties.class, RuntimeProperties.class),
            "scheduler-service", List.of(SchedulerProperties.class, RuntimeProperties.class),
            "dispatcher-service", List.of(DispatcherProperties.class, RuntimeProperties.class),
            "worker-service", List.of(WorkerProperties.class, RuntimeProperties.class));
    private static final Pattern PLACEHOLDER = Pattern.compile("\\$\\{([A-Za-z0-9_.-]+)(?::[^}]*)?}");
    private static final Set<String> BOOT_PROPERTIES = bootProperties();

    final String name;
    final Map<String, Object> yml;
    final Map<String, String> flat;
    private final Set<String> envNames = new HashSet<>();

    private ServiceConfiguration(String name) {
        this.name = name;
        this.yml = Repository.serviceYaml(name);
        this.flat = new LinkedHashMap<>();
        flatten("", yml, flat);
        Set<String> properties = new TreeSet<>(flat.keySet());
        properties.addAll(BOOT_PROPERTIES);
        for (Class<?> record : PROPERTIES_RECORDS.get(name)) {
            String prefix = record.getAnnotation(ConfigurationProperties.class).value();
            recordProperties(prefix, record, properties);
        }
        for (String property : properties) {
            envNames.add(property.replace(".", "_").replace("-", "").toUpperCase(Locale.ROOT));
            envNames.add(property.replace(".", "_").replace("-", "_").toUpperCase(Locale.ROOT));
        }
        Matcher placeholders = PLACEHOLDER.matcher(Repository.read(
                Repository.path(name + "/src/main/resources/" + name + ".yml")));
        while (placeholders.find()) {
            envNames.add(placeholders.group(1));
        }
    }

    static ServiceConfiguration of(String service) {
        return new ServiceConfiguration(service);
    }

    int port() {
        return Integer.parseInt(flat.get("server.port"));
    }

    /** {@code /actuator/health}, its probe groups when enabled, and every configured group. */
    Set<String> healthPaths() {
        Set<String> paths = new TreeSet<>(Set.of("/actuator/health"));
        if ("true".equals(flat.get("management.endpoint.health.probes.enabled"))) {
            paths.add("/actuator/health/liveness");
            paths.add("/actuator/health/readiness");
        }
        Object groups = Repository.at(yml, "management.endpoint.health.group");
        if (groups instanceof Map<?, ?> map) {
            map.keySet().forEach(group -> paths.add("/actuator/health/" + group));
        }
        return paths;
    }

    Set<String> exposedEndpoints() {
        return Set.of(flat.getOrDefault("management.endpoints.web.exposure.include", "").split(",\\s*"));
    }

    /** True when the environment variable binds to something this service reads. */
    boolean readsEnvironmentVariable(String variable) {
        return envNames.contains(variable);
    }

    /** False for the worker, which excludes the DataSource auto-configuration. */
    boolean hasDataSource() {
        return !flat.getOrDefault("spring.autoconfigure.exclude", "").contains("DataSourceAutoConfiguration");
    }

    /** The worker's settings as the service binds them, defaults included. */
    static WorkerProperties workerProperties() {
        ServiceConfiguration worker = of("worker-service");
        return new Binder(new MapConfigurationPropertySource(worker.flat))
                .bindOrCreate("polysync.worker", WorkerProperties.class);
    }

    /**
     * The longest a stopping worker takes (RunSlots.stop): the drain grace, then the interrupted runs' report timeout
     * and shell kill grace, plus the slots' fixed 10 s allowance.
     */
    static Duration workerDrainTime() {
        WorkerProperties worker = workerProperties();
        return worker.shutdownGrace().plus(worker.reportTimeout()).plus(worker.shell().killGracePeriod())
                .plusSeconds(10);
    }

    static Duration duration(String value) {
        Matcher m = Pattern.compile("(\\d+)(ms|s|m)").matcher(value.trim());
        if (!m.matches()) {
            throw new IllegalArgumentException("not a duration: " + value);
        }
        long amount = Long.parseLong(m.group(1));
        return switch (m.group(2)) {
            case "ms" -> Duration.ofMillis(amount);
            case "s" -> Duration.ofSeconds(amount);
            default -> Duration.ofMinutes(amount);
        };
    }

    private static void flatten(String prefix, Object value, Map<String, String> into) {
        if (value instanceof Map<?, ?> map) {
            map.forEach((k, v) -> flatten(prefix.isEmpty() ? k.toString() : prefix + "." + k, v, into));
        } else if (value instanceof List<?> list) {
            into.put(prefix, String.join(",", list.stream().map(String::valueOf).toList()));
        } else {
            into.put(prefix, String.valueOf(value));
        }
    }

    private static void recordProperties(String prefix, Class<?> type, Set<String> into) {
        for (RecordComponent component : type.getRecordComponents()) {
            String property = prefix + "." + kebab(component.getName());
            into.add(property);
            if (component.getType().isRecord()) {
                recordProperties(property, component.getType(), into);
            }
        }
    }

    private static String kebab(String camel) {
        return camel.replaceAll("([a-z0-9])([A-Z])", "$1-$2").toLowerCase(Locale.ROOT);
    }

    /** Every property Spring Boot's modules document in their configuration metadata. */
    private static Set<String> bootProperties() {
        Set<String> names = new HashSet<>();
        try {
            for (URL url : Collections.list(ServiceConfiguration.class.getClassLoader()
                    .getResources("META-INF/spring-configuration-metadata.json"))) {
                try (InputStream in = url.openStream()) {
                    JsonNode metadata = Json.tree(new String(in.readAllBytes(), StandardCharsets.UTF_8));
                    for (JsonNode property : metadata.path("properties")) {
                        names.add(property.path("name").asString());
                    }
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        if (!names.contains("spring.kafka.bootstrap-servers") || !names.contains("spring.datasource.url")) {
            throw new IllegalStateException("Spring Boot's configuration metadata is not on the test classpath");
        }
        return names;
    }
}
