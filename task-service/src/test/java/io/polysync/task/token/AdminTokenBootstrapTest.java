package io.polysync.task.token;

import io.polysync.task.config.TaskServiceProperties;
import io.polysync.task.security.AdminCredentials;
import io.polysync.task.security.Role;
import io.polysync.task.user.UserStore;
import org.flywaydb.core.Flyway;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.jdbc.datasource.DataSourceTransactionManager;
import org.springframework.jdbc.datasource.DriverManagerDataSource;
import org.springframework.transaction.support.TransactionTemplate;

import java.time.Clock;
import java.time.Duration;
import java.util.UUID;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** First-use admin token, against the real migrations on H2 in PostgreSQL mode (as the standalone mode runs them). */
@ExtendWith(OutputCaptureExtension.class)
class AdminTokenBootstrapTest {

    private ApiTokenStore tokens;
    private UserStore users;
    private TransactionTemplate transactions;

    @BeforeEach
    void database() {
        String url = "jdbc:h2:mem:boot_" + UUID.randomUUID() + ";MODE=PostgreSQL;DATABASE_TO_LOWER=TRUE;DB_CLOSE_DELAY=-1";
        Flyway.configure().dataSource(new DriverManagerDataSource(url, "sa", "")).schemas("task")
                .locations("classpath:db/migration/task", "classpath:db/migration/outbox").load().migrate();
        DriverManagerDataSource ds = new DriverManagerDataSource(url + ";SCHEMA=task", "sa", "");
        JdbcClient jdbc = JdbcClient.create(ds);
        tokens = new ApiTokenStore(jdbc);
        users = new UserStore(jdbc);
        transactions = new TransactionTemplate(new DataSourceTransactionManager(ds));
    }

    private static final TaskServiceProperties.RunFeed RUN_FEED = new TaskServiceProperties.RunFeed(
            Duration.ofMillis(750), Duration.ofSeconds(3), 500, Duration.ofSeconds(15), Duration.ofMinutes(10));
    private static final TaskServiceProperties.RunOnce RUN_ONCE = new TaskServiceProperties.RunOnce(64, 2);

    private AdminTokenBootstrap bootstrap(String adminToken, String internalToken) {
        TaskServiceProperties properties = new TaskServiceProperties(20, 200, "api",
                new TaskServiceProperties.Security(adminToken, Duration.ofSeconds(10), null),
                new TaskServiceProperties.Vault(null, internalToken), RUN_FEED, RUN_ONCE);
        return new AdminTokenBootstrap(tokens, users, new ApiTokenAuthenticator(tokens, Clock.systemUTC(), properties),
                transactions, Clock.systemUTC(), properties);
    }

    private ApiTokenAuthenticator authenticator() {
        return new ApiTokenAuthenticator(tokens, Clock.systemUTC(), new TaskServiceProperties(20, 200, "api",
                new TaskServiceProperties.Security(null, Duration.ofSeconds(10), null), new TaskServiceProperties.Vault(null, null), RUN_FEED, RUN_ONCE));
    }

    @Test
    void aConfiguredAdminTokenIsStoredHashedAndNeverLogged(CapturedOutput output) {
        bootstrap("configured-admin-secret", null).afterSingletonsInstantiated();

        ApiToken stored = tokens.findByName(AdminTokenBootstrap.NAME).orElseThrow();
        assertThat(stored.role()).isEqualTo(Role.ADMIN);
        assertThat(stored.tokenHash()).isEqualTo(TokenValues.hash("configured-admin-secret"));
        assertThat(authenticator().authenticate("configured-admin-secret")).isPresent();
        assertThat(output.getAll()).doesNotContain("configured-admin-secret");
    }

    @Test
    void changingTheConfiguredTokenReplacesTheOldValue() {
        bootstrap("first-value-of-the-token", null).afterSingletonsInstantiated();
        bootstrap("second-value-of-the-token", null).afterSingletonsInstantiated();

        assertThat(tokens.count("")).isEqualTo(1);
        assertThat(authenticator().authenticate("first-value-of-the-token")).isEmpty();
        assertThat(authenticator().authenticate("second-value-of-the-token")).isPresent();
    }

    @Test
    void withoutConfigurationTheFirstStartGeneratesAnAdminTokenAndLogsItOnce(CapturedOutput output) {
        bootstrap(null, null).afterSingletonsInstantiated();

        Matcher printed = Pattern.compile("psy_[A-Za-z0-9_-]{43}").matcher(output.getAll());
        assertThat(printed.find()).isTrue();
        String token = printed.group();
        assertThat(authenticator().authenticate(token)).get()
                .satisfies(a -> assertThat(a.role()).isEqualTo(Role.ADMIN));

        bootstrap("", null).afterSingletonsInstantiated();
        assertThat(tokens.count("")).isEqualTo(1);
        assertThat(Pattern.compile("psy_[A-Za-z0-9_-]{43}").matcher(output.getAll()).results().count()).isEqualTo(1);
    }

    @Test
    void noTokenIsGeneratedWhenAnAdminUserExists(CapturedOutput output) {
        users.insert(new io.polysync.task.user.User(UUID.randomUUID(), "alice", "{noop}x", Role.ADMIN,
                java.time.Instant.now(), java.time.Instant.now()));

        bootstrap(null, null).afterSingletonsInstantiated();

        assertThat(tokens.count("")).isZero();
        assertThat(output.getAll()).doesNotContain("psy_");
    }

    @Test
    void theAdminTokenMayNotEqualTheInternalToken() {
        assertThatThrownBy(() -> bootstrap("same-token-value", "same-token-value"))
                .isInstanceOf(IllegalStateException.class).hasMessageNotContaining("same-token-value");
    }

    @Test
    void theLastAdminCredentialCannotBeRemoved() {
        bootstrap("configured-admin-secret", null).afterSingletonsInstantiated();
        AdminCredentials admins = new AdminCredentials(tokens, users);

        assertThatThrownBy(() -> admins.requireAnotherThan("name", "token 'bootstrap-admin'"))
                .hasMessageContaining("last admin credential");
        tokens.insert(new ApiToken(UUID.randomUUID(), "second", Role.ADMIN, TokenValues.hash("x"),
                java.time.Instant.now(), null));
        admins.requireAnotherThan("name", "token 'bootstrap-admin'");
    }

    @Test
    void listsPageAndFilterByNameWithLikeCharactersTakenLiterally() {
        for (String name : new String[] {"a-one", "a_two", "b-three"}) {
            tokens.insert(new ApiToken(UUID.randomUUID(), name, Role.VIEWER, TokenValues.hash(name),
                    java.time.Instant.now(), null));
        }
        assertThat(tokens.list("a", 0, 10)).extracting(ApiToken::name).containsExactly("a-one", "a_two");
        assertThat(tokens.list("_", 0, 10)).extracting(ApiToken::name).containsExactly("a_two");
        assertThat(tokens.list("", 1, 1)).extracting(ApiToken::name).containsExactly("a_two");
        assertThat(tokens.count("-")).isEqualTo(2);
    }
}
