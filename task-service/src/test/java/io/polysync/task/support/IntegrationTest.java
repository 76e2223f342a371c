package io.polysync.task.support;

import io.polysync.model.Json;
import io.polysync.runtime.testing.TestDatabase;
import io.polysync.runtime.testing.TestProperties;
import io.polysync.task.TaskServiceApplication;
import org.junit.jupiter.api.BeforeEach;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.kafka.core.KafkaTemplate;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * One application context for every integration test class (same configuration, so Spring caches it): real
 * PostgreSQL in a fresh schema, the JVM's embedded KRaft broker, and the service on a random port.
 */
@SpringBootTest(classes = TaskServiceApplication.class, webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
        properties = {"spring.config.name=" + TaskServiceApplication.CONFIG_NAME,
                "polysync.task.security.admin-token=" + IntegrationTest.ADMIN_TOKEN,
                "polysync.task.vault.master-key=" + IntegrationTest.MASTER_KEY,
                "polysync.task.vault.internal-token=" + IntegrationTest.INTERNAL_TOKEN,
                // RunEventThroughputIT prints the read model's transactions per event from these
                "spring.jpa.properties.hibernate.generate_statistics=true",
                "logging.level.org.hibernate.engine.internal.StatisticalLoggingSessionEventListener=WARN"})
public abstract class IntegrationTest {

    /** The admin API token every test's {@link #api} sends unless told otherwise (as POLYSYNC_ADMIN_TOKEN would set). */
    public static final String ADMIN_TOKEN = "test-admin-token";

    /** The builtin vaults' master key (base64 of 32 bytes), as POLYSYNC_MASTER_KEY would set it. */
    public static final String MASTER_KEY = "dGVzdC1tYXN0ZXIta2V5LW9mLTMyLWJ5dGVzLWxvbmc=";

    /** The token workers send to /internal/v1/vaults, as POLYSYNC_INTERNAL_TOKEN would set it. */
    public static final String INTERNAL_TOKEN = "test-internal-token";

    private static final String SCHEMA = TestDatabase.freshSchema("task");
    static final List<String> TABLES = List.of("platform", "job", "task", "task_schedule", "task_dependency",
            "task_contention_profile", "task_version", "task_run", "task_run_history");

    @DynamicPropertySource
    static void infrastructure(DynamicPropertyRegistry registry) {
        TestProperties.database(registry, SCHEMA);
        TestProperties.kafka(registry);
    }

    @LocalServerPort
    private int port;

    @Autowired
    protected JdbcTemplate jdbc;

    @Autowired
    protected KafkaTemplate<String, String> kafka;

    protected Api api;

    @BeforeEach
    void connect() {
        api = new Api(port);
    }

    protected int port() {
        return port;
    }

    /** A name no other test uses. */
    protected static String unique(String prefix) {
        return prefix + "-" + UUID.randomUUID().toString().substring(0, 8);
    }

    protected static String json(Object value) {
        return Json.encode(value);
    }

    protected Map<String, Integer> rowCounts() {
        Map<String, Integer> counts = new LinkedHashMap<>();
        for (String table : TABLES) {
            counts.put(table, jdbc.queryForObject("SELECT COUNT(*) FROM " + table, Integer.class));
        }
        return counts;
    }

    /** Creates a shell platform, a noop job declaring {@code outputs} and a task; answers the task's id. */
    protected UUID createNoopTask(String task, List<String> outputs) {
        String platform = unique("shell");
        String job = unique("noop");
        assertThat(api.post("/api/v1/platforms", json(Map.of("name", platform, "type", "shell"))).status())
                .isEqualTo(201);
        assertThat(api.post("/api/v1/jobs", json(Map.of("name", job, "platform", platform, "jobType", "noop",
                "outputs", outputs))).status()).isEqualTo(201);
        Api.Response created = api.post("/api/v1/tasks", json(Map.of("name", task, "job", job)));
        assertThat(created.status()).as(created.text()).isEqualTo(201);
        return UUID.fromString(created.body().path("id").asString());
    }
}
