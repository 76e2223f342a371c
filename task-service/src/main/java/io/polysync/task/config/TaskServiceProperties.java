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
 * @param runFeed         the UI's live feed of run changes
 * @param runOnce         how concurrent Run Once requests share transactions
 */
@ConfigurationProperties("polysync.task")
public record TaskServiceProperties(
        @DefaultValue("20") int defaultPageSize,
        @DefaultValue("200") int maxPageSize,
        @DefaultValue("api") String apiRequester,
        @DefaultValue Security security,
        @DefaultValue Vault vault,
        @DefaultValue RunFeed runFeed,
        @DefaultValue RunOnce runOnce) {

    public TaskServiceProperties {
        if (runOnce.batchSize() < 1) {
            throw new IllegalArgumentException("polysync.task.run-once.batch-size must be at least 1, was "
                    + runOnce.batchSize());
        }
        if (runOnce.acceptors() < 1) {
            throw new IllegalArgumentException("polysync.task.run-once.acceptors must be at least 1, was "
                    + runOnce.acceptors());
        }
    }

    /**
     * Run Once requests that arrive together are accepted in one transaction (a group commit): a request never
     * waits for others to arrive, only for the commit under way.
     *
     * @param batchSize the most requests one transaction accepts
     * @param acceptors the threads that accept them; with two, one batch is built while the other commits
     */
    public record RunOnce(
            @DefaultValue("64") int batchSize,
            @DefaultValue("2") int acceptors) {
    }

    /**
     * The UI's live feed of run changes: one poller per JVM reads the runs changed since its last look and pushes
     * them to every open page, so a change is seen whichever replica applied it.
     *
     * @param interval        how often the poller looks, while anyone listens
     * @param overlap         how far before its last look each look reaches back again: a change committed late,
     *                        or stamped by a replica whose clock lags, still lands inside it (repeats are dropped)
     * @param maxChangesPerLook the most changes read at one look; the rest come at the next
     * @param heartbeat       how long a quiet stream waits before a comment that finds closed connections
     * @param streamTimeout   how long one stream lasts before the browser reconnects
     */
    public record RunFeed(
            @DefaultValue("750ms") Duration interval,
            @DefaultValue("3s") Duration overlap,
            @DefaultValue("500") int maxChangesPerLook,
            @DefaultValue("15s") Duration heartbeat,
            @DefaultValue("10m") Duration streamTimeout) {
    }

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
