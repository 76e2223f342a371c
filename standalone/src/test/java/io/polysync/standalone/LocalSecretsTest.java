package io.polysync.standalone;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.mock.env.MockEnvironment;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Base64;

import static org.assertj.core.api.Assertions.assertThat;

class LocalSecretsTest {

    @TempDir
    Path dataDir;

    @Test
    void generatesAnOwnerOnlyMasterKeyAndInternalTokenOnceAndReusesThem() throws IOException {
        LocalSecrets first = LocalSecrets.resolve(new MockEnvironment(), dataDir);
        String key = first.taskService().get(LocalSecrets.MASTER_KEY_PROPERTY);
        String token = first.taskService().get(LocalSecrets.INTERNAL_TOKEN_PROPERTY);

        assertThat(Base64.getDecoder().decode(key)).hasSize(32);
        assertThat(token).isNotBlank().isNotEqualTo(key);
        assertThat(first.worker()).containsEntry(LocalSecrets.WORKER_TOKEN_PROPERTY, token);
        for (String file : new String[] {LocalSecrets.MASTER_KEY_FILE, LocalSecrets.INTERNAL_TOKEN_FILE}) {
            assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(dataDir.resolve(file))))
                    .isEqualTo("rw-------");
        }

        LocalSecrets again = LocalSecrets.resolve(new MockEnvironment(), dataDir);
        assertThat(again.taskService()).isEqualTo(first.taskService());
        assertThat(again.worker()).isEqualTo(first.worker());
    }

    @Test
    void usesTheEnvironmentWhenGivenAndWritesNoFiles() {
        MockEnvironment environment = new MockEnvironment()
                .withProperty(LocalSecrets.MASTER_KEY_VARIABLE, "given-key")
                .withProperty(LocalSecrets.INTERNAL_TOKEN_VARIABLE, "given-token");

        LocalSecrets secrets = LocalSecrets.resolve(environment, dataDir);

        assertThat(secrets.taskService()).isEmpty();
        assertThat(secrets.worker()).containsEntry(LocalSecrets.WORKER_TOKEN_PROPERTY, "given-token");
        assertThat(dataDir.resolve(LocalSecrets.MASTER_KEY_FILE)).doesNotExist();
        assertThat(dataDir.resolve(LocalSecrets.INTERNAL_TOKEN_FILE)).doesNotExist();
    }

    @Test
    void tightensAKeyFileThatOthersCouldRead() throws IOException {
        Path file = dataDir.resolve(LocalSecrets.MASTER_KEY_FILE);
        Files.writeString(file, Base64.getEncoder().encodeToString(new byte[32]) + "\n");
        Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rw-r--r--"));

        assertThat(LocalSecrets.readOrCreate(file)).isEqualTo(Base64.getEncoder().encodeToString(new byte[32]));
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(file))).isEqualTo("rw-------");
    }
}
