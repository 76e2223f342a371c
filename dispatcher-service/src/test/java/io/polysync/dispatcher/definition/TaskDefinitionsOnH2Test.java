package io.polysync.dispatcher.definition;

import io.polysync.dispatcher.support.Fixtures;
import io.polysync.dispatcher.support.H2Ledger;
import io.polysync.model.Json;
import io.polysync.model.task.TaskSnapshot;
import org.junit.jupiter.api.Test;
import org.springframework.jdbc.core.JdbcTemplate;

import javax.sql.DataSource;
import java.sql.Timestamp;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.Map;
import java.util.Optional;

import static io.polysync.dispatcher.support.Fixtures.aTask;
import static org.assertj.core.api.Assertions.assertThat;
import static org.mockito.ArgumentMatchers.any;
import static org.mockito.Mockito.mock;
import static org.mockito.Mockito.never;
import static org.mockito.Mockito.verify;
import static org.mockito.Mockito.when;

/** The standalone mode runs on H2 in PostgreSQL mode: a poll's definitions are read with one query there too. */
class TaskDefinitionsOnH2Test {

    private static final Instant T0 = Instant.parse("2026-11-28T10:00:00Z");

    @Test
    void aPrefetchedVersionResolvesWithoutAQueryOfItsOwn() {
        DataSource dataSource = H2Ledger.migrated("dispatcher_definitions");
        JdbcTemplate jdbc = new JdbcTemplate(dataSource);
        TaskDefinitionRepository repository = mock(TaskDefinitionRepository.class);
        when(repository.findById(any())).thenReturn(Optional.empty());
        TaskDefinitions definitions = new TaskDefinitions(repository, mock(TaskDeletionRepository.class), jdbc,
                Clock.fixed(T0, ZoneOffset.UTC));
        Fixtures.TaskBuilder one = aTask();
        TaskSnapshot oneV1 = one.version(1).build();
        TaskSnapshot oneV2 = one.version(2).parameters(Map.of("v", 2)).build();
        TaskSnapshot two = aTask().version(3).build();
        store(jdbc, oneV1);
        store(jdbc, oneV2);
        store(jdbc, two);

        definitions.prefetch(Map.of(oneV1.taskId(), 2L, two.taskId(), 3L));

        assertThat(definitions.resolve(oneV1.taskId(), 2).task()).isEqualTo(oneV2);
        assertThat(definitions.resolve(two.taskId(), 3).task()).isEqualTo(two);
        verify(repository, never()).findById(any());
    }

    @Test
    void onlyTheVersionLastResolvedIsInMemory() {
        DataSource dataSource = H2Ledger.migrated("dispatcher_definitions_in_memory");
        JdbcTemplate jdbc = new JdbcTemplate(dataSource);
        TaskDefinitions definitions = new TaskDefinitions(mock(TaskDefinitionRepository.class),
                mock(TaskDeletionRepository.class), jdbc, Clock.fixed(T0, ZoneOffset.UTC));
        Fixtures.TaskBuilder one = aTask();
        TaskSnapshot oneV1 = one.version(1).build();
        TaskSnapshot oneV2 = one.version(2).parameters(Map.of("v", 2)).build();
        store(jdbc, oneV1);
        store(jdbc, oneV2);

        assertThat(definitions.inMemory(oneV1.taskId(), 1)).isEmpty();
        definitions.prefetch(Map.of(oneV1.taskId(), 1L));
        assertThat(definitions.inMemory(oneV1.taskId(), 1)).contains(oneV1);
        definitions.prefetch(Map.of(oneV1.taskId(), 2L));
        assertThat(definitions.inMemory(oneV1.taskId(), 2)).contains(oneV2);
        assertThat(definitions.inMemory(oneV1.taskId(), 1)).isEmpty();
    }

    private static void store(JdbcTemplate jdbc, TaskSnapshot task) {
        jdbc.update("INSERT INTO task_definition (task_id, definition_version, task_name, snapshot, received_at)"
                        + " VALUES (?, ?, ?, ?, ?)", task.taskId(), task.definitionVersion(), task.name(), Json.encode(task),
                Timestamp.from(T0));
    }
}
