package io.polysync.task.platform;

import io.polysync.task.api.ConflictException;
import io.polysync.task.api.NotFoundException;
import org.springframework.data.domain.Page;
import org.springframework.data.domain.Pageable;
import org.springframework.stereotype.Service;
import org.springframework.transaction.annotation.Transactional;

import java.time.Clock;
import java.util.UUID;

@Service
public class PlatformService {

    private final PlatformRepository platforms;
    private final Clock clock;

    public PlatformService(PlatformRepository platforms, Clock clock) {
        this.platforms = platforms;
        this.clock = clock;
    }

    @Transactional
    public PlatformView create(PlatformRequest request) {
        PlatformValidator.ValidPlatform valid = PlatformValidator.validate(request);
        if (platforms.existsByName(valid.name())) {
            throw new ConflictException("name", "a platform named '" + valid.name() + "' already exists");
        }
        Platform platform = new Platform(UUID.randomUUID(), valid.name(), valid.type(), valid.config(),
                clock.instant());
        return PlatformView.of(platforms.saveAndFlush(platform));
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
