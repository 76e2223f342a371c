package io.polysync.standalone;

import io.micrometer.core.instrument.Clock;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.polysync.dispatcher.DispatcherApplication;
import io.polysync.scheduler.SchedulerApplication;
import io.polysync.task.TaskServiceApplication;
import io.polysync.worker.WorkerApplication;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.boot.Banner;
import org.springframework.boot.WebApplicationType;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

import java.net.ServerSocket;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Polysync in one JVM: an embedded KRaft broker and the four services, each a child Spring context of a plain parent
 * (a parent with auto-configuration would hand its DataSource to the children). The services talk through the
 * broker exactly as they do when distributed; only the task-service serves HTTP.
 */
public final class StandaloneApplication {

    private static final Logger log = LoggerFactory.getLogger(StandaloneApplication.class);

    /** Service name → schema; the worker has no database. */
    private static final Map<Class<?>, String> SCHEMAS = Map.of(
            TaskServiceApplication.class, "task",
            SchedulerApplication.class, "scheduler",
            DispatcherApplication.class, "dispatcher");

    private final List<ConfigurableApplicationContext> services = new ArrayList<>();

    public static void main(String[] args) {
        start(args);
    }

    /** Starts the broker and the four services; closing the returned context stops all of it. */
    public static ConfigurableApplicationContext start(String... args) {
        long started = System.nanoTime();
        ConfigurableApplicationContext parent = new SpringApplicationBuilder(ParentConfiguration.class)
                .web(WebApplicationType.NONE)
                .bannerMode(Banner.Mode.OFF)
                .properties(new LinkedHashMap<String, Object>(quietBroker()))
                .run(args);
        StandaloneProperties properties = parent.getBean(StandaloneProperties.class);
        EmbeddedKafka kafka = parent.getBean(EmbeddedKafka.class);
        Map<String, String> userArgs = parseArgs(args);
        LocalSecrets secrets = LocalSecrets.resolve(parent.getEnvironment(), properties.dataDir());

        List<Class<?>> order = List.of(DispatcherApplication.class, SchedulerApplication.class,
                WorkerApplication.class, TaskServiceApplication.class);
        for (Class<?> service : order) {
            Map<String, String> serviceArgs = new LinkedHashMap<>(quietBroker());
            serviceArgs.put("spring.config.name", configName(service));
            serviceArgs.put("spring.kafka.bootstrap-servers", kafka.bootstrapServers());
            serviceArgs.put("polysync.runtime.partitions", Integer.toString(properties.standalone().partitions()));
            serviceArgs.put("spring.jmx.unique-names", "true");
            serviceArgs.put("spring.main.banner-mode", "off");
            // logging is set up once per JVM, by the first service: its name would label every service's lines
            serviceArgs.put("logging.include-application-name", "false");
            String schema = SCHEMAS.get(service);
            if (schema != null) {
                serviceArgs.putAll(database(properties, schema));
            }
            if (service == TaskServiceApplication.class) {
                serviceArgs.putAll(secrets.taskService());
            } else if (service == WorkerApplication.class) {
                serviceArgs.putAll(secrets.worker());
                // vault references are resolved through the task-service's internal API, in this same JVM
                serviceArgs.put("polysync.worker.task-service-url", "http://127.0.0.1:"
                        + parent.getEnvironment().getProperty("server.port", "8080"));
            }
            serviceArgs.putAll(userArgs);
            boolean web = service == TaskServiceApplication.class;
            if (!web) {
                serviceArgs.remove("server.port");
            }
            new SpringApplicationBuilder(service, ServiceMeters.class)
                    .parent(parent)
                    .web(web ? WebApplicationType.SERVLET : WebApplicationType.NONE)
                    .registerShutdownHook(false)
                    .run(toArgs(serviceArgs));
        }
        String port = parent.getEnvironment().getProperty("server.port", "8080");
        log.info("Polysync standalone ready in {} ms: API and UI on http://localhost:{} , Kafka on {}, data in {}",
                (System.nanoTime() - started) / 1_000_000, port, kafka.bootstrapServers(),
                properties.dataDir().toAbsolutePath());
        return parent;
    }

    private static String configName(Class<?> service) {
        if (service == TaskServiceApplication.class) {
            return TaskServiceApplication.CONFIG_NAME;
        } else if (service == SchedulerApplication.class) {
            return SchedulerApplication.CONFIG_NAME;
        } else if (service == DispatcherApplication.class) {
            return DispatcherApplication.CONFIG_NAME;
        }
        return WorkerApplication.CONFIG_NAME;
    }

    /**
     * One H2 file database shared by the services, a schema each; or the PostgreSQL given by URL. H2 needs the schema
     * created before the pool selects it, hence the INIT clause; WRITE_DELAY=0 because H2's default delay lost
     * committed rows on kill -9.
     */
    private static Map<String, String> database(StandaloneProperties properties, String schema) {
        Map<String, String> db = new LinkedHashMap<>();
        String url = properties.standalone().databaseUrl();
        if (url == null || url.isBlank()) {
            Path file = properties.dataDir().toAbsolutePath().resolve("db").resolve("polysync");
            db.put("spring.datasource.url", "jdbc:h2:file:" + file
                    + ";MODE=PostgreSQL;DATABASE_TO_LOWER=TRUE;DEFAULT_NULL_ORDERING=HIGH;WRITE_DELAY=0"
                    + ";INIT=CREATE SCHEMA IF NOT EXISTS " + schema + "\\;SET SCHEMA " + schema);
            db.put("spring.datasource.username", "sa");
            db.put("spring.datasource.password", "");
            db.put("spring.flyway.locations", "classpath:db/migration/" + schema + ",classpath:db/migration/outbox");
        } else {
            db.put("spring.datasource.url", url);
            db.put("spring.datasource.username", properties.standalone().databaseUsername());
            db.put("spring.datasource.password", properties.standalone().databasePassword());
        }
        db.put("spring.datasource.hikari.pool-name", schema + "-pool");
        return db;
    }

    private static Map<String, String> quietBroker() {
        return Map.of("logging.level.kafka", "WARN", "logging.level.org.apache.kafka", "WARN",
                "logging.level.state.change.logger", "WARN");
    }

    /** {@code --key=value} arguments; the last one of a key wins, as a user expects. */
    static Map<String, String> parseArgs(String[] args) {
        Map<String, String> parsed = new LinkedHashMap<>();
        for (String arg : args) {
            if (arg.startsWith("--") && arg.contains("=")) {
                int eq = arg.indexOf('=');
                parsed.put(arg.substring(2, eq), arg.substring(eq + 1));
            }
        }
        return parsed;
    }

    private static String[] toArgs(Map<String, String> properties) {
        return properties.entrySet().stream().map(e -> "--" + e.getKey() + "=" + e.getValue()).toArray(String[]::new);
    }

    /**
     * The parent context: deliberately plain, holding only the broker and the meter registry the four services share
     * (each registers into it through its own {@link ServiceMeters}).
     */
    @Configuration(proxyBeanMethods = false)
    @EnableConfigurationProperties(StandaloneProperties.class)
    static class ParentConfiguration {

        @Bean
        PrometheusRegistry prometheusRegistry() {
            return new PrometheusRegistry();
        }

        @Bean(destroyMethod = "close")
        PrometheusMeterRegistry prometheusMeterRegistry(PrometheusRegistry registry) {
            return new PrometheusMeterRegistry(PrometheusConfig.DEFAULT, registry, Clock.SYSTEM);
        }

        @Bean(destroyMethod = "close")
        EmbeddedKafka embeddedKafka(StandaloneProperties properties) throws Exception {
            int port = properties.standalone().kafkaPort();
            if (port == 0) {
                try (ServerSocket socket = new ServerSocket(0)) {
                    port = socket.getLocalPort();
                }
            }
            return EmbeddedKafka.start(properties.dataDir().resolve("kafka"), port, properties.standalone().partitions());
        }
    }
}
