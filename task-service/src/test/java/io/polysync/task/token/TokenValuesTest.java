package io.polysync.task.token;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

class TokenValuesTest {

    @Test
    void tokensArePsyAnd43Base64UrlCharactersAndNeverRepeat() {
        String one = TokenValues.generate();
        String two = TokenValues.generate();
        assertThat(one).matches("psy_[A-Za-z0-9_-]{43}");
        assertThat(two).matches("psy_[A-Za-z0-9_-]{43}").isNotEqualTo(one);
    }

    @Test
    void theStoredFormIsTheLowerCaseHexSha256() {
        assertThat(TokenValues.hash("abc"))
                .isEqualTo("ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
        assertThat(TokenValues.hash(TokenValues.generate())).matches("[0-9a-f]{64}");
    }
}
