package io.polysync.task.profile;

import io.polysync.task.api.ConflictException;
import io.polysync.task.api.ImmutableName;
import io.polysync.task.api.InUseException;
import io.polysync.task.api.NotFoundException;
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

/**
 * Saves contention profiles. Task snapshots embed the limits of their linked profiles, so a change of limits
 * republishes every linked task as a new definition version in the same transaction (see
 * {@link ContentionProfileChanged}); deleting a profile a task uses is refused.
 */
@Service
public class ContentionProfileService {

    private final ContentionProfileRepository profiles;
    private final ApplicationEventPublisher events;
    private final Clock clock;

    public ContentionProfileService(ContentionProfileRepository profiles, ApplicationEventPublisher events,
                                    Clock clock) {
        this.profiles = profiles;
        this.events = events;
        this.clock = clock;
    }

    @Transactional
    public ContentionProfileView create(ContentionProfileRequest request) {
        ContentionProfileValidator.ValidProfile valid = ContentionProfileValidator.validate(request);
        if (profiles.existsByName(valid.name())) {
            throw new ConflictException("name", "a contention profile named '" + valid.name() + "' already exists");
        }
        ContentionProfile profile = profiles.saveAndFlush(new ContentionProfile(UUID.randomUUID(), valid,
                clock.instant()));
        return ContentionProfileView.of(profile, List.of());
    }

    @Transactional
    public ContentionProfileView replace(String name, ContentionProfileRequest request) {
        String same = ImmutableName.of(name, request.name());
        ContentionProfile profile = find(name);
        ContentionProfileValidator.ValidProfile valid = ContentionProfileValidator.validate(
                new ContentionProfileRequest(same, request.maxConcurrent(), request.rateLimit()));
        Instant now = clock.instant();
        boolean changed = profile.apply(valid, now);
        profiles.flush();
        if (changed) {
            events.publishEvent(new ContentionProfileChanged(profile.name(), now));
        }
        return ContentionProfileView.of(profile, profiles.taskNamesUsing(name));
    }

    @Transactional
    public void delete(String name) {
        ContentionProfile profile = find(name);
        List<String> tasks = profiles.taskNamesUsing(name);
        if (!tasks.isEmpty()) {
            throw new InUseException("contention profile '" + name + "'", Map.of("tasks", tasks));
        }
        profiles.delete(profile);
    }

    @Transactional(readOnly = true)
    public ContentionProfileView get(String name) {
        return ContentionProfileView.of(find(name), profiles.taskNamesUsing(name));
    }

    @Transactional(readOnly = true)
    public Page<ContentionProfileView> list(String nameFilter, Pageable pageable) {
        return profiles.findByNameContaining(nameFilter == null ? "" : nameFilter, pageable)
                .map(p -> ContentionProfileView.of(p, profiles.taskNamesUsing(p.name())));
    }

    /** Whether a profile of that name exists, for tasks that reference it. */
    @Transactional(readOnly = true)
    public boolean exists(String name) {
        return profiles.existsByName(name);
    }

    private ContentionProfile find(String name) {
        return profiles.findByName(name)
                .orElseThrow(() -> new NotFoundException("name", "no contention profile named '" + name + "'"));
    }
}
