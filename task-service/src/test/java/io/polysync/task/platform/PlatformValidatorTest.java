package io.polysync.task.platform;

import io.polysync.task.validation.FieldError;
import io.polysync.task.validation.InvalidRequestException;
import io.polysync.task.vault.VaultReferences;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

class PlatformValidatorTest {

    private static final VaultReferences VAULTS = new VaultReferences("main"::equals);
    private static final String SECRET = "hunter2-do-not-echo";

    private static PlatformValidator.ValidPlatform valid(String type, Map<String, Object> config) {
        return PlatformValidator.validate(new PlatformRequest("p", type, config), VAULTS);
    }

    private static List<FieldError> errors(String type, Map<String, Object> config) {
        InvalidRequestException e = catchThrowableOfType(InvalidRequestException.class,
                () -> PlatformValidator.validate(new PlatformRequest("p", type, config), VAULTS));
        assertThat(e).as("rejected").isNotNull();
        assertThat(e.errors()).allSatisfy(error -> assertThat(error.message()).doesNotContain(SECRET));
        return e.errors();
    }

    private static List<String> fields(String type, Map<String, Object> config) {
        return errors(type, config).stream().map(FieldError::field).toList();
    }

    @Test
    void acceptsAShellPlatformWithoutConfig() {
        PlatformValidator.ValidPlatform platform = PlatformValidator.validate(
                new PlatformRequest("local", "shell", null), VAULTS);

        assertThat(platform.config()).isEmpty();
        assertThat(platform.type()).isEqualTo("shell");
    }

    @Test
    void acceptsNamesOfUpTo63Characters() {
        String name = "a".repeat(63);
        assertThat(PlatformValidator.validate(new PlatformRequest(name, "shell", Map.of()), VAULTS).name())
                .isEqualTo(name);
    }

    @Test
    void requiresNameAndType() {
        InvalidRequestException e = catchThrowableOfType(InvalidRequestException.class,
                () -> PlatformValidator.validate(new PlatformRequest(null, null, null), VAULTS));

        assertThat(e.errors()).containsExactly(new FieldError("name", "is required"),
                new FieldError("type", "is required"));
    }

    @Test
    void rejectsUpperCaseAndLeadingPunctuation() {
        for (String name : new String[] {"Billing", "-billing", ".x", "a b", ""}) {
            InvalidRequestException e = catchThrowableOfType(InvalidRequestException.class,
                    () -> PlatformValidator.validate(new PlatformRequest(name, "shell", null), VAULTS));
            assertThat(e).as(name).isNotNull();
            assertThat(e.errors()).extracting(FieldError::field).containsExactly("name");
        }
    }

    @Test
    void storesTheBaseUrlsHostAsTheDefaultAllowedHost() {
        assertThat(valid("http", Map.of("baseUrl", "https://Billing.Example.com:8443/api")).config())
                .containsEntry("allowedHosts", List.of("billing.example.com"));
        assertThat(valid("http", Map.of("baseUrl", "http://127.0.0.1:9",
                "allowedHosts", List.of("127.0.0.1", "Mirror.example.com"))).config())
                .containsEntry("allowedHosts", List.of("127.0.0.1", "mirror.example.com"));
    }

    @Test
    void acceptsHttpHeadersOnlyAsReferencesToExistingVaults() {
        assertThat(valid("http", Map.of("baseUrl", "https://a.example",
                "headers", Map.of("Authorization", "vault://main/token"))).config())
                .containsEntry("headers", Map.of("Authorization", "vault://main/token"));

        List<FieldError> errors = errors("http", Map.of("baseUrl", "https://a.example",
                "headers", Map.of("Authorization", "Bearer " + SECRET)));
        assertThat(errors).containsExactly(new FieldError("config.headers.Authorization",
                "accepts only a vault reference (vault://<vault>/<secret>)"));

        assertThat(errors("http", Map.of("baseUrl", "https://a.example",
                "headers", Map.of("X-Token", "vault://other/token")))).containsExactly(
                new FieldError("config.headers.X-Token", "names vault 'other', which does not exist"));
        assertThat(fields("http", Map.of("baseUrl", "https://a.example", "headers", Map.of("X-Token", "vault://"))))
                .containsExactly("config.headers.X-Token");
    }

    @Test
    void rejectsBadHttpSettingsByField() {
        assertThat(fields("http", Map.of())).containsExactly("config.baseUrl");
        for (String url : new String[] {"ftp://a.example", "a.example/x", "https://user:" + SECRET + "@a.example",
                "https://a.example/?token=" + SECRET, "https:///x"}) {
            assertThat(fields("http", Map.of("baseUrl", url))).as(url).containsExactly("config.baseUrl");
        }
        assertThat(fields("http", Map.of("baseUrl", "https://a.example", "allowedHosts", List.of("b.example"))))
                .containsExactly("config.allowedHosts");
        assertThat(fields("http", Map.of("baseUrl", "https://a.example",
                "allowedHosts", List.of("a.example", "not a host", 5))))
                .containsExactly("config.allowedHosts[1]", "config.allowedHosts[2]");
        assertThat(fields("http", Map.of("baseUrl", "https://a.example", "headers", "Bearer x")))
                .containsExactly("config.headers");
    }

    @Test
    void rejectsUnknownConfigKeysOfEachType() {
        assertThat(fields("http", Map.of("baseUrl", "https://a.example", "token", SECRET)))
                .containsExactly("config.token");
        assertThat(fields("shell", Map.of("cwd", "/tmp"))).containsExactly("config.cwd");
        assertThat(fields("kafka", Map.of("bootstrapServers", "k:9092", "password", SECRET)))
                .containsExactly("config.password");
        assertThat(fields("postgres", Map.of("jdbcUrl", "jdbc:postgresql://db/app", "baseUrl", "x")))
                .containsExactly("config.baseUrl");
    }

    @Test
    void checksPostgresSettings() {
        assertThat(valid("postgres", Map.of("jdbcUrl", "jdbc:postgresql://db:5432/app", "username", "app",
                "password", "vault://main/db")).config()).containsEntry("password", "vault://main/db");
        assertThat(fields("postgres", Map.of())).containsExactly("config.jdbcUrl");
        assertThat(fields("postgres", Map.of("jdbcUrl", "jdbc:mysql://db/app"))).containsExactly("config.jdbcUrl");
        assertThat(fields("postgres", Map.of("jdbcUrl", "jdbc:postgresql://db/app?user=a&password=" + SECRET)))
                .containsExactly("config.jdbcUrl");
        assertThat(errors("postgres", Map.of("jdbcUrl", "jdbc:postgresql://db/app", "password", SECRET)))
                .containsExactly(new FieldError("config.password",
                        "accepts only a vault reference (vault://<vault>/<secret>)"));
    }

    @Test
    void checksKafkaSettingsAndStoresBootstrapServersAsAList() {
        assertThat(valid("kafka", Map.of("bootstrapServers", "k1:9092, K2.example:9093")).config())
                .containsEntry("bootstrapServers", List.of("k1:9092", "k2.example:9093"));
        assertThat(valid("kafka", Map.of("bootstrapServers", List.of("k1:9092"), "saslUsername", "app",
                "saslPassword", "vault://main/kafka")).config()).containsEntry("saslPassword", "vault://main/kafka");
        assertThat(fields("kafka", Map.of())).containsExactly("config.bootstrapServers");
        assertThat(fields("kafka", Map.of("bootstrapServers", "k1:9092,k2,k3:99999")))
                .containsExactly("config.bootstrapServers[1]", "config.bootstrapServers[2]");
        assertThat(fields("kafka", Map.of("bootstrapServers", "k1:9092", "saslPassword", SECRET)))
                .containsExactly("config.saslPassword", "config.saslUsername");
    }

    @Test
    void checksTheShellWorkingDirectory() {
        assertThat(valid("shell", Map.of("workingDirectory", "/srv/jobs")).config())
                .containsEntry("workingDirectory", "/srv/jobs");
        assertThat(fields("shell", Map.of("workingDirectory", "jobs"))).containsExactly("config.workingDirectory");
    }
}
