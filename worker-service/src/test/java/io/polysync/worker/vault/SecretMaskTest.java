package io.polysync.worker.vault;

import io.polysync.model.run.FailureReason;
import io.polysync.model.run.RunError;
import io.polysync.worker.execution.JobResult;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

class SecretMaskTest {

    private final SecretMask mask = SecretMask.of(List.of("s3cr3t", "s3cr3t-longer", ""));

    @Test
    void masksEveryOccurrenceInsideLongerTextAndTheLongerSecretWhole() {
        assertThat(mask.mask("a s3cr3t and s3cr3t-longer: s3cr3ts3cr3t")).isEqualTo("a **** and ****: ********");
    }

    @Test
    void masksStringsAtAnyDepthAndLeavesOtherScalarsAlone() {
        Object masked = mask.maskValue(Map.of("token", "Bearer s3cr3t",
                "nested", List.of(Map.of("s3cr3t", "x", "n", 42, "flag", true))));

        assertThat(masked).isEqualTo(Map.of("token", "Bearer ****",
                "nested", List.of(Map.of("****", "x", "n", 42, "flag", true))));
    }

    @Test
    void masksOutputsOfASuccessAndTheMessageOfAFailure() {
        assertThat(mask.mask(JobResult.success(Map.of("echo", "got s3cr3t"))))
                .isEqualTo(JobResult.success(Map.of("echo", "got ****")));
        assertThat(mask.mask(JobResult.failure(new RunError(FailureReason.EXECUTION_FAILED, "bad s3cr3t", true))))
                .isEqualTo(JobResult.failure(new RunError(FailureReason.EXECUTION_FAILED, "bad ****", true)));
    }

    @Test
    void withoutSecretsChangesNothing() {
        SecretMask none = SecretMask.of(List.of(""));

        assertThat(none.isEmpty()).isTrue();
        assertThat(none.mask("plain")).isEqualTo("plain");
    }
}
