package io.polysync.task.platform;

import io.polysync.model.jobtype.JobType;
import io.polysync.model.jobtype.JobTypeCatalog;
import io.polysync.task.api.ConflictException;
import io.polysync.task.api.ImmutableName;
import io.polysync.task.api.InUseException;
import io.polysync.task.api.NotFoundException;
import io.polysync.task.validation.Errors;
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
import java.util.UUID;

@Service
public class PlatformService {

    private final PlatformRepository platforms;
    private final VaultReferences vaultReferences;
    private final JobTypeCatalog catalog;
    private final ApplicationEventPublisher events;
    private final Clock clock;

    public PlatformService(PlatformRepository platforms, VaultReferences vaultReferences,
                           JobTypeCatalog catalog, ApplicationEventPublisher events, Clock clock) {
        this.platforms = platforms;
        this.vaultReferences = vaultReferences;
        this.catalog = catalog;
        this.events = events;
        this.clock = clock;
    }

    @Transactional
    public PlatformView create(PlatformRequest request) {
        PlatformValidator.ValidPlatform valid = PlatformValidator.validate(request, vaultReferences);
        if (platforms.existsByName(valid.name())) {
            throw new ConflictException("name", "a platform named '" + valid.name() + "' already exists");
        }
        Platform platform = new Platform(UUID.randomUUID(), valid.name(), valid.type(), valid.config(),
                clock.instant());
        return PlatformView.of(platforms.saveAndFlush(platform));
    }

    /**
     * Replaces the platform's type and config. Every task whose job runs on it is republished as a new version; a
     * type its jobs' job types cannot run on is refused naming {@code type}.
     */
    @Transactional
    public PlatformView replace(String name, PlatformRequest request) {
        String same = ImmutableName.of(name, request.name());
        Platform platform = find(name);
        PlatformValidator.ValidPlatform valid = PlatformValidator.validate(
                new PlatformRequest(same, request.type(), request.config()), vaultReferences);
        Errors errors = new Errors();
        for (Object[] job : platforms.jobsUsing(platform.id())) {
            JobType type = catalog.find((String) job[1]).orElse(null);
            if (type != null && !type.runsOn(valid.type())) {
                errors.add("type", "job '" + job[0] + "' of job type '" + type.name() + "' cannot run on a '"
                        + valid.type() + "' platform");
            }
        }
        errors.throwIfAny();
        Instant now = clock.instant();
        if (platform.replace(valid.type(), valid.config(), now)) {
            platforms.flush();
            events.publishEvent(new PlatformChanged(platform.id(), now));
        }
        return PlatformView.of(platform);
    }

    /** Deletes the platform; refused with the jobs that use it. */
    @Transactional
    public void delete(String name) {
        Platform platform = find(name);
        List<String> jobs = platforms.jobsUsing(platform.id()).stream().map(row -> (String) row[0]).toList();
        if (!jobs.isEmpty()) {
            throw new InUseException("platform '" + name + "'", Map.of("jobs", jobs));
        }
        platforms.delete(platform);
    }

    private Platform find(String name) {
        return platforms.findByName(name)
                .orElseThrow(() -> new NotFoundException("name", "no platform named '" + name + "'"));
    }

    @Transactional(readOnly = true)
    public PlatformView get(String name) {
        return platforms.findByName(name).map(PlatformView::of)
                .orElseThrow(() -> new NotFoundException("name", "no platform named '" + name + "'"));
    }

    @Transactional(readOnly = true)
    public Page<PlatformView> list(String nameFilter, Pageable pageable) {
        return platforms.findByNameContaining(nameFilter == null ? "" : nameFilter, pageable).map(PlatformView::of);
    }
}
