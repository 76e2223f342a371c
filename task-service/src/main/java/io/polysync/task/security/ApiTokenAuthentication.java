package io.polysync.task.security;

import org.springframework.security.authentication.AbstractAuthenticationToken;

/** An authenticated API token: its name is the principal; the token itself is never kept in memory past the lookup. */
public final class ApiTokenAuthentication extends AbstractAuthenticationToken {

    private final String tokenName;
    private final Role role;

    public ApiTokenAuthentication(String tokenName, Role role) {
        super(role.grantedAuthorities());
        this.tokenName = tokenName;
        this.role = role;
        setAuthenticated(true);
    }

    public Role role() {
        return role;
    }

    @Override
    public Object getCredentials() {
        return "";
    }

    @Override
    public Object getPrincipal() {
        return tokenName;
    }

    @Override
    public String getName() {
        return tokenName;
    }
}
