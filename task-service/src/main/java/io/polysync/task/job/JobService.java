package io.polysync.task.job;

import io.polysync.model.jobtype.JobTypeCatalog;
import io.polysync.model.param.ParameterValidation;
import io.polysync.task.api.ConflictException;
import io.polysync.task.api.ImmutableName;
import io.polysync.task.api.InUseException;
import io.polysync.task.api.NotFoundException;
import io.polysync.task.platform.Platform;
import io.polysync.task.platform.PlatformRepository;
import io.polysync.task.vault.VaultReferences;
import org.springframework.context.ApplicationEventPublisher;
import org.springframework.data.domain.Page;
import org.springframework.data.domain.Pageable;
import org.springframework.stereotype.Service;
import org.springframework.transaction.annotation.Transactional;

import java.time.Clock;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;

@Service
public class JobService {

    private final JobRepository jobs;
    private final PlatformRepository platforms;
    private final JobValidator validator;
    private final ApplicationEventPublisher events;
    private final Clock clock;

    public JobService(JobRepository jobs, PlatformRepository platforms, JobTypeCatalog catalog,
                      ParameterValidation parameterValidation, VaultReferences vaults,
                      ApplicationEventPublisher events, Clock clock) {
        this.jobs = jobs;
        this.platforms = platforms;
        this.validator = new JobValidator(catalog, parameterValidation, vaults);
        this.events = events;
        this.clock = clock;
    }

    @Transactional
    public JobView create(JobRequest request) {
        JobValidator.ValidJob valid = validator.validate(request, name -> platforms.findByName(name)
                .map(p -> new JobValidator.PlatformRef(p.name(), p.type())));
        if (jobs.existsByName(valid.name())) {
            throw new ConflictException("name", "a job named '" + valid.name() + "' already exists");
        }
        Platform platform = platforms.findByName(valid.platform()).orElseThrow();
        Job job = new Job(UUID.randomUUID(), valid.name(), platform, valid.jobType(), valid.parameterSchema(),
                valid.defaults(), valid.outputs(), clock.instant());
        return JobView.of(jobs.saveAndFlush(job));
    }

    /**
     * Replaces the job's platform, job type, schema, defaults and outputs. The tasks using it are checked against
     * the new job and republished as new versions in the same transaction (see {@link JobChanged}).
     */
    @Transactional
    public JobView replace(String name, JobRequest request) {
        String same = ImmutableName.of(name, request.name());
        Job job = find(name);
        JobValidator.ValidJob valid = validator.validate(new JobRequest(same, request.platform(), request.jobType(),
                request.parameterSchema(), request.defaults(), request.outputs()), this::platformRef);
        Platform platform = platforms.findByName(valid.platform()).orElseThrow();
        Instant now = clock.instant();
        if (job.replace(platform, valid.jobType(), valid.parameterSchema(), valid.defaults(), valid.outputs(), now)) {
            jobs.flush();
            events.publishEvent(new JobChanged(job.id(), now));
        }
        return JobView.of(job);
    }

    /** Deletes the job; refused with the tasks that use it. */
    @Transactional
    public void delete(String name) {
        Job job = find(name);
        List<String> tasks = jobs.taskNamesUsing(job.id());
        if (!tasks.isEmpty()) {
            throw new InUseException("job '" + name + "'", Map.of("tasks", tasks));
        }
        jobs.delete(job);
    }

    private Job find(String name) {
        return jobs.findByName(name).orElseThrow(() -> new NotFoundException("name", "no job named '" + name + "'"));
    }

    private Optional<JobValidator.PlatformRef> platformRef(String name) {
        return platforms.findByName(name).map(p -> new JobValidator.PlatformRef(p.name(), p.type()));
    }

    @Transactional(readOnly = true)
    public JobView get(String name) {
        return jobs.findByName(name).map(JobView::of)
                .orElseThrow(() -> new NotFoundException("name", "no job named '" + name + "'"));
    }

    @Transactional(readOnly = true)
    public Page<JobView> list(String nameFilter, Pageable pageable) {
        return jobs.findByNameContaining(nameFilter == null ? "" : nameFilter, pageable).map(JobView::of);
    }
}
