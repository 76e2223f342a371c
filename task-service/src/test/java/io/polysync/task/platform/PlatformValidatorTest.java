package io.polysync.task.platform;

import io.polysync.task.validation.FieldError;
import io.polysync.task.validation.InvalidRequestException;
import org.junit.jupiter.api.Test;

import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

class PlatformValidatorTest {

    @Test
    void acceptsAKnownTypeAndDefaultsConfigToEmpty() {
        PlatformValidator.ValidPlatform valid = PlatformValidator.validate(new PlatformRequest("local", "shell", null));

        assertThat(valid.config()).isEmpty();
        assertThat(valid.type()).isEqualTo("shell");
    }

    @Test
    void acceptsNamesOfUpTo63Characters() {
        String name = "a".repeat(63);
        assertThat(PlatformValidator.validate(new PlatformRequest(name, "http", Map.of())).name()).isEqualTo(name);
    }

    @Test
    void rejectsBadNamesUnknownTypesAndMalformedVaultReferences() {
        InvalidRequestException e = catchThrowableOfType(InvalidRequestException.class,
                () -> PlatformValidator.validate(new PlatformRequest("a".repeat(64), "ftp",
                        Map.of("headers", Map.of("X-Token", "vault://")))));

        assertThat(e.errors()).extracting(FieldError::field).containsExactly("name", "type", "config.headers.X-Token");
    }

    @Test
    void requiresNameAndType() {
        InvalidRequestException e = catchThrowableOfType(InvalidRequestException.class,
                () -> PlatformValidator.validate(new PlatformRequest(null, null, null)));

        assertThat(e.errors()).containsExactly(new FieldError("name", "is required"),
                new FieldError("type", "is required"));
    }

    @Test
    void rejectsUpperCaseAndLeadingPunctuation() {
        for (String name : new String[] {"Billing", "-billing", ".x", "a b", ""}) {
            InvalidRequestException e = catchThrowableOfType(InvalidRequestException.class,
                    () -> PlatformValidator.validate(new PlatformRequest(name, "http", null)));
            assertThat(e).as(name).isNotNull();
            assertThat(e.errors()).extracting(FieldError::field).containsExactly("name");
        }
    }
}
