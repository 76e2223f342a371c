package io.polysync.task.config;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

import java.time.Duration;

/**
 * Settings of the task-service.
 *
 * @param defaultPageSize page size of a list when the request names none
 * @param maxPageSize     the largest page size a request may ask for
 * @param apiRequester    recorded as {@code requestedBy} of runs started through the API
 * @param security        authentication of the API and the UI
 * @param vault           secrets of builtin vaults and the workers' access to them
 */
@ConfigurationProperties("polysync.task")
public record TaskServiceProperties(
        @DefaultValue("20") int defaultPageSize,
        @DefaultValue("200") int maxPageSize,
        @DefaultValue("api") String apiRequester,
        @DefaultValue Security security,
        @DefaultValue Vault vault) {

    /**
     * Authentication of the API.
     *
     * @param adminToken    an admin API token accepted from the first start (stored hashed as the token named
     *                      {@code bootstrap-admin}); {@code POLYSYNC_ADMIN_TOKEN} sets it. When empty and no admin
     *                      token or admin user exists, one is generated and logged once.
     * @param tokenCacheTtl how long a known token is trusted without asking the database again; a token deleted
     *                      through another replica is still accepted here for at most this long
     * @param adminPassword the password of the user {@code admin} created at the first start, when no user exists
     *                      ({@code POLYSYNC_ADMIN_PASSWORD}); when empty, one is generated and logged once
     */
    public record Security(
            String adminToken,
            @DefaultValue("10s") Duration tokenCacheTtl,
            String adminPassword) {

        /** Never shows the admin token or password, should the settings ever be printed. */
        @Override
        public String toString() {
            return "Security[adminToken=" + (adminToken == null || adminToken.isEmpty() ? "<unset>" : "<set>")
                    + ", tokenCacheTtl=" + tokenCacheTtl
                    + ", adminPassword=" + (adminPassword == null || adminPassword.isEmpty() ? "<unset>" : "<set>")
                    + "]";
        }
    }

    /**
     * Secrets of builtin vaults and the workers' access to them (DESIGN.md section 10 rule 16).
     *
     * @param masterKey     base64 of the 32-byte AES key that encrypts builtin secret values
     *                      ({@code POLYSYNC_MASTER_KEY}); without it builtin values can be neither set nor read
     * @param internalToken the bearer token workers present to {@code /internal/v1/vaults/**}
     *                      ({@code POLYSYNC_INTERNAL_TOKEN}); without it that endpoint answers 404
     */
    public record Vault(String masterKey, String internalToken) {

        /** Never shows the key or the token, should the settings ever be printed. */
        @Override
        public String toString() {
            return "Vault[masterKey=" + (masterKey == null || masterKey.isEmpty() ? "<unset>" : "<set>")
                    + ", internalToken=" + (internalToken == null || internalToken.isEmpty() ? "<unset>" : "<set>")
                    + "]";
        }
    }
}
