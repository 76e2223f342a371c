package io.polysync.task.vault;

import io.polysync.task.validation.FieldError;
import io.polysync.task.validation.InvalidRequestException;
import org.junit.jupiter.api.Test;

import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

class VaultValidatorTest {

    private static InvalidRequestException rejected(VaultRequest request) {
        return catchThrowableOfType(InvalidRequestException.class, () -> VaultValidator.validate(request));
    }

    @Test
    void acceptsEachKindWithItsSettings() {
        assertThat(VaultValidator.validate(new VaultRequest("main", "builtin", null)).kind())
                .isEqualTo(VaultKind.BUILTIN);
        assertThat(VaultValidator.validate(new VaultRequest("env", "env", Map.of("prefix", "APP_"))).config())
                .containsEntry("prefix", "APP_");
        assertThat(VaultValidator.validate(new VaultRequest("files", "file",
                Map.of("directory", "/run/secrets/../secrets/"))).config())
                .containsEntry("directory", "/run/secrets");
    }

    @Test
    void requiresEachKindsSettingsAndRejectsOthers() {
        assertThat(rejected(new VaultRequest("e", "env", Map.of())).errors()).extracting(FieldError::field)
                .containsExactly("config.prefix");
        assertThat(rejected(new VaultRequest("e", "env", Map.of("prefix", "1X"))).errors())
                .extracting(FieldError::field).containsExactly("config.prefix");
        assertThat(rejected(new VaultRequest("f", "file", Map.of("directory", "relative/dir"))).errors())
                .extracting(FieldError::field).containsExactly("config.directory");
        assertThat(rejected(new VaultRequest("b", "builtin", Map.of("prefix", "X"))).errors())
                .extracting(FieldError::field).containsExactly("config.prefix");
        assertThat(rejected(new VaultRequest("Bad Name", "s3", null)).errors())
                .extracting(FieldError::field).containsExactly("name", "kind");
    }

    @Test
    void acceptsSecretNamesThatAreOnePathSegment() {
        VaultValidator.validateSecret("db-password.v2", new SecretRequest("x"));

        for (String name : new String[] {"..", ".hidden", "a/b", "a b", "x".repeat(129)}) {
            InvalidRequestException e = catchThrowableOfType(InvalidRequestException.class,
                    () -> VaultValidator.validateSecret(name, new SecretRequest("x")));
            assertThat(e).as(name).isNotNull();
            assertThat(e.errors()).extracting(FieldError::field).containsExactly("name");
        }
        assertThat(catchThrowableOfType(InvalidRequestException.class,
                () -> VaultValidator.validateSecret("ok", new SecretRequest(null))).errors())
                .extracting(FieldError::field).containsExactly("value");
    }

    @Test
    void neverPrintsASecretValue() {
        assertThat(new SecretRequest("hunter2").toString()).doesNotContain("hunter2");
    }
}
