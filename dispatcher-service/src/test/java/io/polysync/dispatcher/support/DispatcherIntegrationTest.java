package io.polysync.dispatcher.support;

import io.polysync.dispatcher.DispatcherApplication;
import io.polysync.dispatcher.ledger.HistoryEntry;
import io.polysync.dispatcher.ledger.StatusHistory;
import io.polysync.dispatcher.ledger.TaskRun;
import io.polysync.dispatcher.ledger.TaskRunRepository;
import io.polysync.model.Json;
import io.polysync.model.Topics;
import io.polysync.model.event.CancelRunRequested;
import io.polysync.model.event.RunEvent;
import io.polysync.model.event.RunStateChanged;
import io.polysync.model.event.TaskDefinitionChanged;
import io.polysync.model.event.TriggerRequested;
import io.polysync.model.event.WorkerReport;
import io.polysync.model.run.RunState;
import io.polysync.model.task.TaskSnapshot;
import io.polysync.runtime.testing.TestDatabase;
import io.polysync.runtime.testing.TestProperties;
import io.polysync.runtime.testing.TopicProbe;
import org.junit.jupiter.api.AfterAll;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.core.env.Environment;
import org.springframework.kafka.core.KafkaTemplate;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeUnit;

import static org.awaitility.Awaitility.await;

/**
 * The dispatcher against real PostgreSQL and the JVM's embedded KRaft broker. Every subclass shares one application
 * context (same configuration), so one dispatcher consumes the real topics for all of them; tests keep apart by
 * using tasks of their own.
 */
@SpringBootTest(properties = {
        "spring.config.name=" + DispatcherApplication.CONFIG_NAME,
        "logging.level.org.apache.kafka=WARN",
        "logging.level.kafka=WARN",
        "logging.level.state.change.logger=OFF",
        "logging.level.org.apache.kafka.clients.NetworkClient=ERROR",
        "logging.level.io.polysync=DEBUG",
        "polysync.dispatcher.recheck-interval=200ms",
        "polysync.dispatcher.start-timeout=6s",
        "polysync.dispatcher.lease-timeout=4s"})
public abstract class DispatcherIntegrationTest {

    private static final String SCHEMA = TestDatabase.freshSchema("dispatcher");
    /** What a second replica shares with this one: the same schema, broker and consumer groups, the same timeouts. */
    private static final List<String> SHARED = List.of("spring.datasource.url", "spring.datasource.username",
            "spring.datasource.password", "spring.datasource.hikari.schema", "spring.flyway.schemas",
            "spring.kafka.bootstrap-servers", "polysync.dispatcher.recheck-interval",
            "polysync.dispatcher.start-timeout", "polysync.dispatcher.lease-timeout");
    private static final Map<String, TopicProbe> PROBES = new HashMap<>();

    @DynamicPropertySource
    static void infrastructure(DynamicPropertyRegistry registry) {
        TestProperties.database(registry, SCHEMA);
        TestProperties.kafka(registry);
    }

    @Autowired
    protected KafkaTemplate<String, String> kafka;

    @Autowired
    private Environment environment;

    @Autowired
    protected TaskRunRepository runs;

    @Autowired
    protected StatusHistory history;

    /**
     * A probe of {@code topic}, created on first use: only then is the application context, and so every topic,
     * sure to exist (a {@code @BeforeAll} runs before the context starts).
     */
    protected static TopicProbe probe(String topic) {
        return PROBES.computeIfAbsent(topic, TopicProbe::new);
    }

    @AfterAll
    static void closeProbes() {
        PROBES.values().forEach(TopicProbe::close);
        PROBES.clear();
    }

    /**
     * A second dispatcher replica; the caller closes it. Command-line arguments, not default properties: those would
     * lose to the service's own yml.
     */
    protected ConfigurableApplicationContext secondDispatcher() {
        List<String> args = new ArrayList<>(List.of("--server.port=0"));
        for (String key : SHARED) {
            String value = environment.getProperty(key);
            if (value != null) {
                args.add("--" + key + "=" + value);
            }
        }
        return new SpringApplicationBuilder(DispatcherApplication.class)
                .properties("spring.config.name=" + DispatcherApplication.CONFIG_NAME)
                .run(args.toArray(String[]::new));
    }

    protected void publishDefinition(TaskSnapshot task) {
        send(Topics.TASK_DEFINITIONS, task.taskId().toString(), Json.encode(TaskDefinitionChanged.of(task, Instant.now())));
    }

    protected void publishTrigger(TriggerRequested trigger) {
        send(Topics.TRIGGERS, trigger.taskId().toString(), Json.encode(trigger));
    }

    protected void report(WorkerReport report) {
        send(Topics.WORKER_REPORTS, report.taskId().toString(), Json.encode(report));
    }

    protected void cancel(UUID runId, UUID taskId, String by) {
        send(Topics.RUN_COMMANDS, taskId.toString(),
                Json.encode(new CancelRunRequested(runId, taskId, by, Instant.now())));
    }

    protected void send(String topic, String key, String value) {
        try {
            kafka.send(topic, key, value).get(10, TimeUnit.SECONDS);
        } catch (Exception e) {
            throw new IllegalStateException("could not publish to " + topic, e);
        }
    }

    protected TaskRun awaitRun(UUID runId, RunState state) {
        return await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(50))
                .until(() -> runs.findById(runId).orElse(null), run -> run != null && run.state() == state);
    }

    /** Every run of the task in the ledger, oldest queue time first. */
    protected List<TaskRun> runsOf(UUID... taskIds) {
        List<UUID> ids = List.of(taskIds);
        return runs.findAll().stream().filter(r -> ids.contains(r.taskId()))
                .sorted(java.util.Comparator.comparing(TaskRun::queuedAt)).toList();
    }

    protected List<HistoryEntry> historyOf(UUID runId) {
        return history.findByRunIdOrderByIdAsc(runId);
    }

    /** The RunStateChanged events of one run seen on {@code polysync.run-events}, in publication order. */
    protected static List<RunStateChanged> stateChanges(UUID runId, int atLeast) {
        return probe(Topics.RUN_EVENTS).await(atLeast, r -> stateChangeOf(r.value(), runId)).stream()
                .map(r -> (RunStateChanged) Json.decode(r.value(), RunEvent.class))
                .toList();
    }

    private static boolean stateChangeOf(String value, UUID runId) {
        return value != null && Json.decode(value, RunEvent.class) instanceof RunStateChanged changed
                && changed.runId().equals(runId);
    }
}
