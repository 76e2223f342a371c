package io.polysync.task.ui.task;

import io.polysync.task.run.TaskRun;
import jakarta.persistence.EntityManager;
import org.springframework.stereotype.Component;
import org.springframework.transaction.annotation.Transactional;

import java.time.Instant;
import java.util.Collection;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

/**
 * The reads the task pages need beyond {@code TaskService}, each one query whatever the number of tasks, so a page
 * of the list costs the same with ten runs or ten thousand.
 */
@Component
class TaskPageQueries {

    /** A task's newest run, for the list's "last run" column. */
    record LastRun(UUID runId, String state, Instant queuedAt) {
    }

    private final EntityManager entityManager;

    TaskPageQueries(EntityManager entityManager) {
        this.entityManager = entityManager;
    }

    /**
     * The newest run of each task, by queue time: one query, each task's maximum found by the
     * {@code task_run_by_task (task_id, queued_at)} index.
     */
    @Transactional(readOnly = true)
    Map<UUID, LastRun> lastRuns(Collection<UUID> taskIds) {
        if (taskIds.isEmpty()) {
            return Map.of();
        }
        List<TaskRun> runs = entityManager.createQuery("""
                        SELECT r FROM TaskRun r WHERE r.taskId IN :ids AND r.queuedAt =
                            (SELECT MAX(n.queuedAt) FROM TaskRun n WHERE n.taskId = r.taskId)""", TaskRun.class)
                .setParameter("ids", taskIds).getResultList();
        Map<UUID, LastRun> byTask = new HashMap<>();
        for (TaskRun run : runs) {
            // two runs queued in the same instant: the larger id wins, the order the runs pages use
            byTask.merge(run.taskId(), new LastRun(run.runId(), run.state().name(), run.queuedAt()),
                    (a, b) -> a.runId().compareTo(b.runId()) >= 0 ? a : b);
        }
        return byTask;
    }

    @Transactional(readOnly = true)
    boolean hasRun(UUID taskId) {
        return !entityManager.createQuery("SELECT r.runId FROM TaskRun r WHERE r.taskId = :id", UUID.class)
                .setParameter("id", taskId).setMaxResults(1).getResultList().isEmpty();
    }

    /** Every saved dependency as {@code [child, parent]}, for the diagram's upstream and downstream walks. */
    @Transactional(readOnly = true)
    List<List<String>> dependencyEdges() {
        return entityManager.createQuery("SELECT d.task.name, d.parent.name FROM TaskDependency d", Object[].class)
                .getResultList().stream().map(row -> List.of((String) row[0], (String) row[1])).toList();
    }

    /** Every task's name with its job's declared outputs: the upstream tasks a dependency may name and map from. */
    @Transactional(readOnly = true)
    Map<String, List<String>> taskOutputs() {
        Map<String, List<String>> outputs = new LinkedHashMap<>();
        entityManager.createQuery("SELECT t.name, t.job.outputs FROM Task t ORDER BY t.name", Object[].class)
                .getResultList().forEach(row -> outputs.put((String) row[0], outputsOf(row[1])));
        return outputs;
    }

    @SuppressWarnings("unchecked")
    private static List<String> outputsOf(Object value) {
        return value instanceof List<?> list ? (List<String>) list : List.of();
    }
}
