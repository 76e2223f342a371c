package io.polysync.task.token;

import io.polysync.task.config.TaskServiceProperties;
import io.polysync.task.security.Role;
import io.polysync.task.user.UserStore;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.SmartInitializingSingleton;
import org.springframework.dao.DuplicateKeyException;
import org.springframework.stereotype.Component;
import org.springframework.transaction.support.TransactionTemplate;

import java.time.Clock;
import java.util.UUID;

/**
 * Makes sure someone can call the API on first use, before the server accepts requests. A configured admin token
 * ({@code POLYSYNC_ADMIN_TOKEN}) is stored, hashed, as the token {@value #NAME}, replacing its previous value. Without
 * one, and with no admin token or admin user yet, an admin token is generated and logged once inside a banner: the
 * only time a secret is ever written to the log. Replicas starting together create it at most once.
 */
@Component
public class AdminTokenBootstrap implements SmartInitializingSingleton {

    public static final String NAME = "bootstrap-admin";
    private static final Logger log = LoggerFactory.getLogger(AdminTokenBootstrap.class);

    private final ApiTokenStore tokens;
    private final UserStore users;
    private final ApiTokenAuthenticator authenticator;
    private final TransactionTemplate transactions;
    private final Clock clock;
    private final String configured;

    public AdminTokenBootstrap(ApiTokenStore tokens, UserStore users, ApiTokenAuthenticator authenticator,
                               TransactionTemplate transactions, Clock clock, TaskServiceProperties properties) {
        this.tokens = tokens;
        this.users = users;
        this.authenticator = authenticator;
        this.transactions = transactions;
        this.clock = clock;
        this.configured = properties.security().adminToken();
        String internal = properties.vault().internalToken();
        if (configured != null && !configured.isBlank() && configured.trim().equals(internal)) {
            throw new IllegalStateException("POLYSYNC_ADMIN_TOKEN and POLYSYNC_INTERNAL_TOKEN must differ: the "
                    + "internal token is accepted on the internal endpoint only");
        }
    }

    @Override
    public void afterSingletonsInstantiated() {
        if (configured != null && !configured.isBlank()) {
            storeConfigured(TokenValues.hash(configured.trim()));
        } else {
            generateIfNoAdmin();
        }
    }

    private void storeConfigured(String hash) {
        try {
            transactions.executeWithoutResult(tx -> {
                if (!tokens.replace(NAME, Role.ADMIN, hash)) {
                    tokens.insert(new ApiToken(UUID.randomUUID(), NAME, Role.ADMIN, hash, clock.instant(), null));
                }
            });
        } catch (DuplicateKeyException concurrentStart) {
            transactions.executeWithoutResult(tx -> tokens.replace(NAME, Role.ADMIN, hash));
        }
        authenticator.evictAll();
        log.info("the configured admin token (POLYSYNC_ADMIN_TOKEN / polysync.task.security.admin-token) is the API "
                + "token '{}'", NAME);
    }

    private void generateIfNoAdmin() {
        if (tokens.countWithRole(Role.ADMIN) > 0 || users.countWithRole(Role.ADMIN) > 0) {
            return;
        }
        String token = TokenValues.generate();
        try {
            transactions.executeWithoutResult(tx -> tokens.insert(new ApiToken(UUID.randomUUID(), NAME, Role.ADMIN,
                    TokenValues.hash(token), clock.instant(), null)));
        } catch (DuplicateKeyException anotherReplicaWon) {
            return;
        }
        log.warn("""

                ================================================================================
                  No admin credential existed, so an admin API token was generated.
                  It is shown this once and never again; keep it now:

                      {}

                  Use it as: Authorization: Bearer <token>
                  Create named tokens (POST /api/v1/tokens) and users, then delete this one
                  (DELETE /api/v1/tokens/{}).
                ================================================================================""", token, NAME);
    }
}
