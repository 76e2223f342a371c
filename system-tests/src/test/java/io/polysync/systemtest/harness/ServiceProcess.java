package io.polysync.systemtest.harness;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/** One Polysync service as its own JVM, started from the jar its module packaged. */
public final class ServiceProcess extends OsProcess {

    private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();

    private final int port;

    ServiceProcess(String name, Path jar, int port, List<String> arguments, Map<String, String> env, Path logDir) {
        super(name, command(jar, port, arguments), env, logDir.resolve(name + ".log"));
        this.port = port;
    }

    public int port() {
        return port;
    }

    /** Whether {@code /actuator/health/readiness} answers UP. */
    public boolean isReady() {
        if (!isAlive() || isPaused()) {
            return false;
        }
        try {
            HttpResponse<Void> r = HTTP.send(HttpRequest.newBuilder(
                            URI.create("http://127.0.0.1:" + port + "/actuator/health/readiness"))
                    .timeout(Duration.ofSeconds(3)).GET().build(), HttpResponse.BodyHandlers.discarding());
            return r.statusCode() == 200;
        } catch (Exception e) {
            return false;
        }
    }

    private static List<String> command(Path jar, int port, List<String> arguments) {
        List<String> argv = new ArrayList<>(List.of(KafkaBroker.java(),
                // small and quick to start: nine JVMs share two cores
                "-Xmx320m", "-XX:+UseSerialGC", "-XX:TieredStopAtLevel=1", "-Xss512k",
                "-jar", jar.toString(), "--server.port=" + port));
        argv.addAll(arguments);
        return argv;
    }
}
