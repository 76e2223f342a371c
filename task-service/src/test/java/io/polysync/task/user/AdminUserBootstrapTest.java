package io.polysync.task.user;

import io.polysync.task.config.TaskServiceProperties;
import io.polysync.task.security.AdminCredentials;
import io.polysync.task.security.Role;
import io.polysync.task.token.ApiTokenStore;
import org.flywaydb.core.Flyway;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.jdbc.datasource.DriverManagerDataSource;
import org.springframework.security.crypto.factory.PasswordEncoderFactories;
import org.springframework.security.crypto.password.PasswordEncoder;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.UUID;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The first-start admin user, against the real migrations on H2 in PostgreSQL mode (as the standalone mode runs them). */
@ExtendWith(OutputCaptureExtension.class)
class AdminUserBootstrapTest {

    private static final Pattern PRINTED = Pattern.compile("^ {6}(\\S{32})$", Pattern.MULTILINE);

    private UserStore users;
    private UserService service;
    private final PasswordEncoder encoder = PasswordEncoderFactories.createDelegatingPasswordEncoder();

    @BeforeEach
    void database() {
        String url = "jdbc:h2:mem:users_" + UUID.randomUUID() + ";MODE=PostgreSQL;DATABASE_TO_LOWER=TRUE;DB_CLOSE_DELAY=-1";
        Flyway.configure().dataSource(new DriverManagerDataSource(url, "sa", "")).schemas("task")
                .locations("classpath:db/migration/task", "classpath:db/migration/outbox").load().migrate();
        JdbcClient jdbc = JdbcClient.create(new DriverManagerDataSource(url + ";SCHEMA=task", "sa", ""));
        users = new UserStore(jdbc);
        service = new UserService(users, encoder, new AdminCredentials(new ApiTokenStore(jdbc), users),
                Clock.systemUTC());
    }

    private AdminUserBootstrap bootstrap(String password) {
        return new AdminUserBootstrap(users, service, new TaskServiceProperties(20, 200, "api",
                new TaskServiceProperties.Security(null, Duration.ofSeconds(10), password),
                new TaskServiceProperties.Vault(null, null),
                new TaskServiceProperties.RunFeed(Duration.ofMillis(750), Duration.ofSeconds(3), 500,
                        Duration.ofSeconds(15), Duration.ofMinutes(10)),
                new TaskServiceProperties.RunOnce(64, 2)));
    }

    @Test
    void theConfiguredPasswordSignsInTheAdminAndIsNeverLogged(CapturedOutput output) {
        bootstrap("configured admin password").start();

        User admin = users.find(AdminUserBootstrap.USERNAME).orElseThrow();
        assertThat(admin.role()).isEqualTo(Role.ADMIN);
        assertThat(encoder.matches("configured admin password", admin.passwordHash())).isTrue();
        assertThat(output.getAll()).doesNotContain("configured admin password").contains("created the user 'admin'");
    }

    @Test
    void withoutConfigurationAPasswordIsGeneratedAndShownOnce(CapturedOutput output) {
        bootstrap(null).start();

        Matcher printed = PRINTED.matcher(output.getAll());
        assertThat(printed.find()).as(output.getAll()).isTrue();
        User admin = users.find(AdminUserBootstrap.USERNAME).orElseThrow();
        assertThat(encoder.matches(printed.group(1), admin.passwordHash())).isTrue();

        bootstrap("").start();
        bootstrap("another configured password").start();
        assertThat(PRINTED.matcher(output.getAll()).results().count()).isEqualTo(1);
        assertThat(encoder.matches(printed.group(1), users.find("admin").orElseThrow().passwordHash()))
                .as("a later start changes nothing").isTrue();
    }

    @Test
    void noAdminIsCreatedOnceAnyUserExists(CapturedOutput output) {
        users.insert(new User(UUID.randomUUID(), "alice", "{noop}x", Role.VIEWER, Instant.now(), Instant.now()));

        bootstrap(null).start();

        assertThat(users.find(AdminUserBootstrap.USERNAME)).isEmpty();
        assertThat(output.getAll()).doesNotContain("No user existed");
    }

    @Test
    void aConfiguredPasswordTooShortStopsTheStartWithoutShowingIt() {
        assertThatThrownBy(() -> bootstrap("short-pw").start())
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("POLYSYNC_ADMIN_PASSWORD").hasMessageContaining("at least 12 characters")
                .hasMessageNotContaining("short-pw");
        assertThat(users.any()).isFalse();
    }
}
