package io.polysync.standalone.ui;

import io.polysync.standalone.PolysyncClient;
import io.polysync.standalone.StandaloneApplication;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.util.FileSystemUtils;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Polysync as a new user starts it (the standalone mode: embedded broker, H2 file database in a temporary data
 * directory), once per JVM for every browser test, on free ports, with a known password for the user {@code admin}
 * and a known admin API token for setting up data through the API. Stopped when the JVM exits.
 */
public final class UiTestApp {

    /** The password of the user {@code admin}, as POLYSYNC_ADMIN_PASSWORD would set it. */
    public static final String ADMIN_PASSWORD = "browser-tests-admin-password";

    private static UiTestApp instance;

    private final String baseUrl;
    private final PolysyncClient api;

    private UiTestApp(String baseUrl) {
        this.baseUrl = baseUrl;
        this.api = new PolysyncClient(baseUrl);
    }

    /** The running app, started by the first caller. */
    public static synchronized UiTestApp get() {
        if (instance == null) {
            instance = start();
        }
        return instance;
    }

    /** For example {@code http://127.0.0.1:41234}; no trailing slash. */
    public static String baseUrl() {
        return get().baseUrl;
    }

    public static String adminPassword() {
        return ADMIN_PASSWORD;
    }

    /** The API as the admin token sees it, for setup and checks that need no browser. */
    public static PolysyncClient api() {
        return get().api;
    }

    private static UiTestApp start() {
        try {
            Path dataDir = Files.createTempDirectory("polysync-ui-");
            int port = freePort();
            ConfigurableApplicationContext app = StandaloneApplication.start(
                    "--server.port=" + port,
                    "--polysync.data-dir=" + dataDir,
                    "--polysync.standalone.kafka-port=" + freePort(),
                    "--polysync.standalone.partitions=2",
                    "--polysync.task.security.admin-password=" + ADMIN_PASSWORD,
                    "--polysync.task.security.admin-token=" + PolysyncClient.ADMIN_TOKEN);
            Runtime.getRuntime().addShutdownHook(new Thread(() -> {
                app.close();
                try {
                    FileSystemUtils.deleteRecursively(dataDir);
                } catch (IOException ignored) {
                    // the JVM is exiting; a temporary directory left behind is harmless
                }
            }, "ui-test-app-stop"));
            return new UiTestApp("http://127.0.0.1:" + port);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static int freePort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        }
    }
}
