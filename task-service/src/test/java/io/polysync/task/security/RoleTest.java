package io.polysync.task.security;

import org.junit.jupiter.api.Test;
import org.springframework.security.core.GrantedAuthority;

import static org.assertj.core.api.Assertions.assertThat;

class RoleTest {

    @Test
    void eachRoleGrantsItsOwnAndEverySmallerAuthority() {
        assertThat(Role.VIEWER.grantedAuthorities()).extracting(GrantedAuthority::getAuthority)
                .containsExactly("ROLE_VIEWER");
        assertThat(Role.EDITOR.grantedAuthorities()).extracting(GrantedAuthority::getAuthority)
                .containsExactly("ROLE_VIEWER", "ROLE_OPERATOR", "ROLE_EDITOR");
        assertThat(Role.ADMIN.grantedAuthorities()).hasSize(4);
    }

    @Test
    void onlyTheLowerCaseApiSpellingParses() {
        assertThat(Role.parse("operator")).contains(Role.OPERATOR);
        assertThat(Role.parse("ADMIN")).isEmpty();
        assertThat(Role.parse("root")).isEmpty();
        assertThat(Role.parse("")).isEmpty();
    }
}
