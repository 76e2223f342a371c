package io.polysync.task.token;

import io.polysync.task.config.TaskServiceProperties;
import io.polysync.task.security.ApiTokenAuthentication;
import org.springframework.stereotype.Component;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Resolves a presented bearer token to its stored record: one SHA-256 and, unless recently seen, one indexed query.
 * Known tokens are cached for {@code polysync.task.security.token-cache-ttl}; deleting or replacing a token evicts it
 * here at once, so other replicas may honour a deleted token for at most that long. Unknown tokens are never cached.
 */
@Component
public class ApiTokenAuthenticator {

    /** Beyond this many cached tokens the cache starts over rather than grow. */
    private static final int MAX_CACHED = 10_000;
    /** {@code lastUsedAt} is written at most this often per token, so using a token is not a write per request. */
    private static final Duration LAST_USED_RESOLUTION = Duration.ofMinutes(1);

    private record Cached(ApiToken token, Instant fetchedAt) {
    }

    private final ApiTokenStore store;
    private final Clock clock;
    private final Duration ttl;
    private final Map<String, Cached> cache = new ConcurrentHashMap<>();

    public ApiTokenAuthenticator(ApiTokenStore store, Clock clock, TaskServiceProperties properties) {
        this.store = store;
        this.clock = clock;
        this.ttl = properties.security().tokenCacheTtl();
    }

    public Optional<ApiTokenAuthentication> authenticate(String presented) {
        String hash = TokenValues.hash(presented);
        Instant now = clock.instant();
        Cached cached = cache.get(hash);
        ApiToken token;
        Instant fetchedAt;
        if (cached != null && cached.fetchedAt().plus(ttl).isAfter(now)) {
            token = cached.token();
            fetchedAt = cached.fetchedAt();
        } else {
            Optional<ApiToken> found = store.findByHash(hash);
            if (found.isEmpty()) {
                cache.remove(hash);
                return Optional.empty();
            }
            token = found.get();
            fetchedAt = now;
        }
        if (token.lastUsedAt() == null || token.lastUsedAt().plus(LAST_USED_RESOLUTION).isBefore(now)) {
            store.touch(token.id(), now);
            token = new ApiToken(token.id(), token.name(), token.role(), token.tokenHash(), token.createdAt(), now);
        }
        if (cache.size() >= MAX_CACHED) {
            cache.clear();
        }
        cache.put(hash, new Cached(token, fetchedAt));
        return Optional.of(new ApiTokenAuthentication(token.name(), token.role()));
    }

    /** Forgets every cached token; called after a token is deleted or replaced. */
    public void evictAll() {
        cache.clear();
    }
}
