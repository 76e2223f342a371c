package io.polysync.worker.execution;

import io.polysync.model.jobtype.JobTypeCatalog;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;

/**
 * The executors of this worker by Job Type. Built once from the executor beans; it refuses to exist when two
 * executors claim one type or when a type of the catalog has none, so a worker that could not run every job the
 * task-service accepts never starts.
 */
public final class JobExecutorRegistry {

    private static final Logger log = LoggerFactory.getLogger(JobExecutorRegistry.class);

    private final Map<String, JobExecutor> byType;

    public JobExecutorRegistry(Collection<? extends JobExecutor> executors, JobTypeCatalog catalog) {
        Map<String, JobExecutor> map = new LinkedHashMap<>();
        for (JobExecutor executor : executors) {
            JobExecutor previous = map.putIfAbsent(executor.jobType(), executor);
            if (previous != null) {
                throw new IllegalStateException("two executors for job type '" + executor.jobType() + "': "
                        + previous.getClass().getName() + " and " + executor.getClass().getName());
            }
        }
        Set<String> missing = new TreeSet<>(catalog.names());
        missing.removeAll(map.keySet());
        if (!missing.isEmpty()) {
            throw new IllegalStateException("no executor for job types " + missing
                    + " of the catalog; every catalog type needs exactly one executor bean");
        }
        Set<String> unknown = new TreeSet<>(map.keySet());
        unknown.removeAll(catalog.names());
        if (!unknown.isEmpty()) {
            // harmless but unreachable: the task-service accepts only catalog types
            log.warn("Executors for job types {} that the catalog does not list; no job can use them", unknown);
        }
        this.byType = Map.copyOf(map);
    }

    public Optional<JobExecutor> find(String jobType) {
        return Optional.ofNullable(jobType).map(byType::get);
    }

    public Set<String> jobTypes() {
        return byType.keySet();
    }
}
