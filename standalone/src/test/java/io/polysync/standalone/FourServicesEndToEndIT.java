package io.polysync.standalone;

import io.polysync.dispatcher.DispatcherApplication;
import io.polysync.runtime.testing.TestDatabase;
import io.polysync.scheduler.SchedulerApplication;
import io.polysync.task.TaskServiceApplication;
import io.polysync.worker.WorkerApplication;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.springframework.boot.WebApplicationType;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.context.ConfigurableApplicationContext;

import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The four services as four independent applications (no shared parent, nothing in common but the broker and the
 * database, as when they run as separate processes) against the test PostgreSQL, each in a schema of its own, and
 * the JVM-wide embedded KRaft broker.
 */
class FourServicesEndToEndIT {

    private static final List<ConfigurableApplicationContext> services = new ArrayList<>();
    private static PolysyncClient api;
    private static String brokers;

    @BeforeAll
    static void startServices() {
        brokers = System.getProperty("spring.embedded.kafka.brokers");
        assertThat(brokers).as("the JVM-wide embedded broker").isNotBlank();
        TestDatabase.Connection db = TestDatabase.get();

        services.add(start(DispatcherApplication.class, DispatcherApplication.CONFIG_NAME, "dispatcher", brokers, db));
        services.add(start(SchedulerApplication.class, SchedulerApplication.CONFIG_NAME, "scheduler", brokers, db));
        services.add(start(WorkerApplication.class, WorkerApplication.CONFIG_NAME, null, brokers, db));
        ConfigurableApplicationContext task =
                start(TaskServiceApplication.class, TaskServiceApplication.CONFIG_NAME, "task", brokers, db);
        services.add(task);
        api = new PolysyncClient("http://localhost:" + task.getEnvironment().getProperty("local.server.port"));
    }

    @AfterAll
    static void stopServices() {
        for (int i = services.size() - 1; i >= 0; i--) {
            services.get(i).close();
        }
    }

    @Test
    void runOnceOfAShellTaskSucceedsWithItsOutputsAndHistory() {
        new RunOnceScenario(api).succeedingShellRun();
    }

    @Test
    void aFailingJobEndsFailedWithTheError() {
        RunOnceScenario scenario = new RunOnceScenario(api);
        scenario.failingShellRun();
        scenario.failingNoopRun();
    }

    @Test
    void badInputIsRejectedWithProblemDetails() {
        RunOnceScenario scenario = new RunOnceScenario(api);
        scenario.succeedingShellRun();
        scenario.rejectsBadInput();
    }

    @Test
    void aCronScheduleFiresEverySecondWithoutEarlyFires() {
        new TriggerScenario(api, brokers).cronFiresEverySecondAndNeverEarly();
    }

    @Test
    void chainsAndDiamondsTriggerOnceWithMappedOutputs() {
        new TriggerScenario(api, brokers).dependenciesTriggerOnceWithMappedOutputs();
    }

    @Test
    void failedRunsAreRetriedAfterTheirBackoff() {
        new TriggerScenario(api, brokers).failuresAreRetriedWithBackoff();
    }

    @Test
    void externalTriggerEventsMakeOneRunPerIdempotencyKey() {
        new TriggerScenario(api, brokers).externalTriggersMakeOneRunPerKey();
    }

    private static ConfigurableApplicationContext start(Class<?> app, String configName, String schemaPrefix,
                                                        String brokers, TestDatabase.Connection db) {
        List<String> args = new ArrayList<>(List.of(
                "--spring.config.name=" + configName,
                "--spring.kafka.bootstrap-servers=" + brokers,
                "--spring.jmx.unique-names=true",
                "--server.port=0"));
        if (schemaPrefix != null) {
            String schema = TestDatabase.freshSchema(schemaPrefix);
            args.addAll(List.of(
                    "--spring.datasource.url=" + db.url(),
                    "--spring.datasource.username=" + db.username(),
                    "--spring.datasource.password=" + db.password(),
                    "--spring.datasource.hikari.schema=" + schema,
                    "--spring.flyway.schemas=" + schema));
        }
        boolean web = app == TaskServiceApplication.class;
        if (web) {
            args.add("--polysync.task.security.admin-token=" + PolysyncClient.ADMIN_TOKEN);
        }
        return new SpringApplicationBuilder(app)
                .web(web ? WebApplicationType.SERVLET : WebApplicationType.NONE)
                .registerShutdownHook(false)
                .run(args.toArray(String[]::new));
    }
}
