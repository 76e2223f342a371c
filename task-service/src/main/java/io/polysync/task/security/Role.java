package io.polysync.task.security;

import org.springframework.security.core.GrantedAuthority;
import org.springframework.security.core.authority.SimpleGrantedAuthority;

import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

/**
 * The roles of tokens and users, ordered: each includes every smaller one. A principal is granted the authority of
 * its role and of every role below it, so a rule names only the smallest role it needs.
 */
public enum Role {
    VIEWER, OPERATOR, EDITOR, ADMIN;

    public static final String NAMES = "viewer, operator, editor or admin";

    /** The role as the API spells it. */
    public String id() {
        return name().toLowerCase(Locale.ROOT);
    }

    /** The Spring Security authority a rule checks for this role. */
    public String authority() {
        return "ROLE_" + name();
    }

    /** This role's authority and those of every smaller role. */
    public List<GrantedAuthority> grantedAuthorities() {
        return Arrays.stream(values()).filter(r -> r.ordinal() <= ordinal())
                .<GrantedAuthority>map(r -> new SimpleGrantedAuthority(r.authority())).toList();
    }

    /** The role named {@code id} as the API spells it (lower case); empty for anything else. */
    public static Optional<Role> parse(String id) {
        return Arrays.stream(values()).filter(r -> r.id().equals(id)).findFirst();
    }
}
