package io.polysync.runtime.jdbc;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;

class SqlListsTest {

    @Test
    void oneBindParameterPerValue() {
        assertThat(SqlLists.placeholders(1)).isEqualTo("?");
        assertThat(SqlLists.placeholders(3)).isEqualTo("?, ?, ?");
    }

    @Test
    void anEmptyListIsRefusedRatherThanWrittenAsAnInvalidInClause() {
        assertThatIllegalArgumentException().isThrownBy(() -> SqlLists.placeholders(0));
    }
}
