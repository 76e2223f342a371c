package io.polysync.worker.execution;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.polysync.model.jobtype.JobTypeCatalog;
import io.polysync.worker.config.WorkerProperties;
import io.polysync.worker.executor.HttpRequestExecutor;
import io.polysync.worker.executor.KafkaPublishExecutor;
import io.polysync.worker.executor.NoopExecutor;
import io.polysync.worker.executor.PlatformCircuitBreakers;
import io.polysync.worker.executor.ShellCommandExecutor;
import io.polysync.worker.executor.SqlQueryExecutor;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class JobExecutorRegistryTest {

    private final JobTypeCatalog catalog = JobTypeCatalog.builtIn();
    private final NoopExecutor noop = new NoopExecutor();
    private final HttpRequestExecutor http = new HttpRequestExecutor(Duration.ofSeconds(1),
            new PlatformCircuitBreakers(new WorkerProperties.CircuitBreaker(50, 10, Duration.ofSeconds(30)),
                    new SimpleMeterRegistry()));
    private final ShellCommandExecutor shell = new ShellCommandExecutor(Duration.ofSeconds(1));
    private final SqlQueryExecutor sql = new SqlQueryExecutor();
    private final KafkaPublishExecutor kafka = new KafkaPublishExecutor();

    @Test
    void findsTheExecutorOfEachCatalogType() {
        JobExecutorRegistry registry = new JobExecutorRegistry(List.of(noop, http, shell, sql, kafka), catalog);

        assertThat(registry.jobTypes()).containsExactlyInAnyOrderElementsOf(catalog.names());
        assertThat(registry.find("noop")).containsSame(noop);
        assertThat(registry.find("http.request")).containsSame(http);
        assertThat(registry.find("shell.command")).containsSame(shell);
        assertThat(registry.find("sql.query")).containsSame(sql);
        assertThat(registry.find("kafka.publish")).containsSame(kafka);
        assertThat(registry.find("custom.thing")).isEmpty();
        assertThat(registry.find(null)).isEmpty();
    }

    @Test
    void refusesTwoExecutorsForOneType() {
        JobExecutor anotherNoop = new JobExecutor() {
            @Override
            public String jobType() {
                return "noop";
            }

            @Override
            public JobResult execute(JobContext context) {
                return JobResult.success(Map.of());
            }
        };

        assertThatThrownBy(() -> new JobExecutorRegistry(List.of(noop, http, shell, sql, kafka, anotherNoop), catalog))
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("two executors for job type 'noop'")
                .hasMessageContaining(NoopExecutor.class.getName());
    }

    @Test
    void refusesACatalogTypeWithoutExecutor() {
        assertThatThrownBy(() -> new JobExecutorRegistry(List.of(noop, http), catalog))
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("shell.command");
    }

    @Test
    void acceptsAnExecutorTheCatalogDoesNotList() {
        JobExecutor extra = new JobExecutor() {
            @Override
            public String jobType() {
                return "custom.thing";
            }

            @Override
            public JobResult execute(JobContext context) {
                return JobResult.success(Map.of());
            }
        };

        assertThat(new JobExecutorRegistry(List.of(noop, http, shell, sql, kafka, extra), catalog).find("custom.thing"))
                .containsSame(extra);
    }
}
