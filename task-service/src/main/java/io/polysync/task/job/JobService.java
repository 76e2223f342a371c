package io.polysync.task.job;

import io.polysync.model.jobtype.JobTypeCatalog;
import io.polysync.task.api.ConflictException;
import io.polysync.task.api.NotFoundException;
import io.polysync.task.platform.Platform;
import io.polysync.task.platform.PlatformRepository;
import org.springframework.data.domain.Page;
import org.springframework.data.domain.Pageable;
import org.springframework.stereotype.Service;
import org.springframework.transaction.annotation.Transactional;

import java.time.Clock;
import java.util.UUID;

@Service
public class JobService {

    private final JobRepository jobs;
    private final PlatformRepository platforms;
    private final JobValidator validator;
    private final Clock clock;

    public JobService(JobRepository jobs, PlatformRepository platforms, JobTypeCatalog catalog, Clock clock) {
        this.jobs = jobs;
        this.platforms = platforms;
        this.validator = new JobValidator(catalog);
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
