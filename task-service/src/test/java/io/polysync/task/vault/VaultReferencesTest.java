package io.polysync.task.vault;

import io.polysync.task.validation.Errors;
import io.polysync.task.validation.FieldError;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

class VaultReferencesTest {

    private final VaultReferences references = new VaultReferences("main"::equals);

    @Test
    void reportsEveryReferenceToAMissingVaultOrMalformedOneByItsPath() {
        Errors errors = new Errors();
        references.check(Map.of("a", "vault://main/token", "b", List.of("literal", "vault://gone/token"),
                "c", Map.of("d", "vault://"), "e", "vault://main/a/b"), "parameters", errors);

        assertThat(errors.list()).extracting(FieldError::field)
                .containsExactlyInAnyOrder("parameters.b[1]", "parameters.c.d", "parameters.e");
        assertThat(errors.list()).filteredOn(e -> e.field().equals("parameters.b[1]")).extracting(FieldError::message)
                .containsExactly("names vault 'gone', which does not exist");
    }

    @Test
    void findsReferencesToAVaultAtAnyDepth() {
        Object value = Map.of("x", List.of(Map.of("y", "vault://main/t")));

        assertThat(VaultReferences.references(value, "main")).isTrue();
        assertThat(VaultReferences.references(value, "mai")).isFalse();
        assertThat(VaultReferences.references("vault://main_x/t", "main")).isFalse();
    }
}
