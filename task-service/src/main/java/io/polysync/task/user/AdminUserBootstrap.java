package io.polysync.task.user;

import io.polysync.task.api.ConflictException;
import io.polysync.task.config.TaskServiceProperties;
import io.polysync.task.security.Role;
import io.polysync.task.validation.InvalidRequestException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.context.SmartLifecycle;
import org.springframework.stereotype.Component;

import java.security.SecureRandom;
import java.util.Base64;

/**
 * Makes sure someone can sign in to the UI on first use: when no user exists, the user {@value #USERNAME} (role
 * admin) is created with the configured password ({@code POLYSYNC_ADMIN_PASSWORD}) or a generated one, which is
 * logged once inside a banner: besides the generated admin token, the only secret ever written to the log.
 *
 * <p>A lifecycle bean of the earliest phase: it runs after every {@code SmartInitializingSingleton} (so the admin
 * token bootstrap still sees a database without admins and prints its token on the first start, as before) and before
 * the web server accepts requests.
 */
@Component
public class AdminUserBootstrap implements SmartLifecycle {

    public static final String USERNAME = "admin";
    private static final Logger log = LoggerFactory.getLogger(AdminUserBootstrap.class);
    private static final SecureRandom RANDOM = new SecureRandom();

    private final UserStore users;
    private final UserService service;
    private final String configured;
    private volatile boolean running;

    public AdminUserBootstrap(UserStore users, UserService service, TaskServiceProperties properties) {
        this.users = users;
        this.service = service;
        this.configured = properties.security().adminPassword();
    }

    @Override
    public void start() {
        running = true;
        if (users.any()) {
            return;
        }
        boolean generated = configured == null || configured.isEmpty();
        String password = generated ? generatePassword() : configured;
        try {
            service.create(new UserRequest(USERNAME, password, Role.ADMIN.id()));
        } catch (ConflictException anotherReplicaWon) {
            return;
        } catch (InvalidRequestException badPassword) {
            // the messages name the rule, never the value
            throw new IllegalStateException("POLYSYNC_ADMIN_PASSWORD (polysync.task.security.admin-password) "
                    + "cannot be used: " + badPassword.errors().stream().map(e -> e.field() + " " + e.message())
                    .toList());
        }
        if (!generated) {
            log.info("created the user '{}' (role admin) with the configured password (POLYSYNC_ADMIN_PASSWORD)",
                    USERNAME);
            return;
        }
        log.warn("""

                ================================================================================
                  No user existed, so the user '{}' (role admin) was created for the web UI.
                  Its generated password is shown this once and never again; keep it now:

                      {}

                  Sign in, then change it on the Users page (or set POLYSYNC_ADMIN_PASSWORD
                  before the first start to choose it).
                ================================================================================""", USERNAME,
                password);
    }

    /** 24 random bytes: 32 URL-safe characters, within the password rules (12 characters, 72 bytes). */
    static String generatePassword() {
        byte[] bytes = new byte[24];
        RANDOM.nextBytes(bytes);
        return Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
    }

    @Override
    public void stop() {
        running = false;
    }

    @Override
    public boolean isRunning() {
        return running;
    }

    @Override
    public int getPhase() {
        return Integer.MIN_VALUE;
    }
}
