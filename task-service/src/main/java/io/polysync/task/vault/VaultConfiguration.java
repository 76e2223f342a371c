package io.polysync.task.vault;

import io.polysync.task.config.TaskServiceProperties;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

@Configuration(proxyBeanMethods = false)
class VaultConfiguration {

    private static final Logger log = LoggerFactory.getLogger(VaultConfiguration.class);

    /** A malformed key stops the start-up: running on would refuse every builtin secret later, less visibly. */
    @Bean
    SecretCipher secretCipher(TaskServiceProperties properties) {
        SecretCipher cipher = SecretCipher.of(properties.vault().masterKey());
        if (!cipher.hasKey()) {
            log.warn("No master key configured ({} or polysync.task.vault.master-key): builtin vault secrets can "
                    + "be neither set nor read until one is", SecretCipher.MASTER_KEY_VARIABLE);
        }
        return cipher;
    }

    @Bean
    SecretSource secretSource() {
        return new SecretSource(System::getenv);
    }

    @Bean
    VaultReferences vaultReferences(VaultRepository vaults) {
        return new VaultReferences(vaults::existsByName);
    }
}
