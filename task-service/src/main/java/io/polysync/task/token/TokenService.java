package io.polysync.task.token;

import io.polysync.task.api.ConflictException;
import io.polysync.task.api.NotFoundException;
import io.polysync.task.api.PageResponse;
import io.polysync.task.security.AdminCredentials;
import io.polysync.task.security.Role;
import io.polysync.task.validation.Errors;
import org.springframework.dao.DuplicateKeyException;
import org.springframework.data.domain.Pageable;
import org.springframework.stereotype.Service;
import org.springframework.transaction.annotation.Transactional;

import java.time.Clock;
import java.time.Instant;
import java.util.Optional;
import java.util.UUID;

/** Creating, listing and deleting API tokens. A token's value exists only in the answer to its creation. */
@Service
public class TokenService {

    private final ApiTokenStore tokens;
    private final ApiTokenAuthenticator authenticator;
    private final AdminCredentials admins;
    private final Clock clock;

    public TokenService(ApiTokenStore tokens, ApiTokenAuthenticator authenticator, AdminCredentials admins,
                        Clock clock) {
        this.tokens = tokens;
        this.authenticator = authenticator;
        this.admins = admins;
        this.clock = clock;
    }

    @Transactional
    public CreatedToken create(TokenRequest request) {
        Errors errors = new Errors();
        if (errors.requireName("name", request.name()) && AdminTokenBootstrap.NAME.equals(request.name())) {
            errors.add("name", "is reserved for the configured or generated admin token");
        }
        Optional<Role> role = request.role() == null ? Optional.empty() : Role.parse(request.role());
        if (role.isEmpty()) {
            errors.add("role", request.role() == null ? "is required" : "must be one of " + Role.NAMES);
        }
        errors.throwIfAny();
        if (tokens.findByName(request.name()).isPresent()) {
            throw new ConflictException("name", "a token named '" + request.name() + "' already exists");
        }
        String value = TokenValues.generate();
        Instant now = clock.instant();
        try {
            tokens.insert(new ApiToken(UUID.randomUUID(), request.name(), role.get(), TokenValues.hash(value), now, null));
        } catch (DuplicateKeyException concurrent) {
            throw new ConflictException("name", "a token named '" + request.name() + "' already exists");
        }
        return new CreatedToken(request.name(), role.get().id(), now, value);
    }

    @Transactional(readOnly = true)
    public TokenView get(String name) {
        return tokens.findByName(name).map(TokenView::of).orElseThrow(() -> notFound(name));
    }

    @Transactional(readOnly = true)
    public PageResponse<TokenView> list(String nameFilter, Pageable page) {
        return new PageResponse<>(tokens.list(nameFilter, (int) page.getOffset(), page.getPageSize()).stream()
                .map(TokenView::of).toList(), tokens.count(nameFilter), page.getPageNumber(), page.getPageSize());
    }

    /** Takes effect on this replica at once; others stop accepting it within the token cache's lifetime. */
    @Transactional
    public void delete(String name) {
        ApiToken token = tokens.findByName(name).orElseThrow(() -> notFound(name));
        if (token.role() == Role.ADMIN) {
            admins.requireAnotherThan("name", "token '" + name + "'");
        }
        tokens.delete(name);
        authenticator.evictAll();
    }

    private static NotFoundException notFound(String name) {
        return new NotFoundException("name", "no token named '" + name + "'");
    }
}
