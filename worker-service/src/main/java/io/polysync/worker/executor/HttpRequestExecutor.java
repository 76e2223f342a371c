package io.polysync.worker.executor;

import io.github.resilience4j.circuitbreaker.CircuitBreaker;
import io.polysync.model.Json;
import io.polysync.model.jobtype.JobTypeCatalog;
import io.polysync.worker.execution.InvalidParametersException;
import io.polysync.worker.execution.JobContext;
import io.polysync.worker.execution.JobExecutor;
import io.polysync.worker.execution.JobResult;
import io.polysync.worker.execution.JobValues;
import tools.jackson.core.JacksonException;

import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.net.URISyntaxException;
import java.net.http.HttpClient;
import java.net.http.HttpConnectTimeoutException;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.nio.charset.Charset;
import java.nio.charset.IllegalCharsetNameException;
import java.nio.charset.StandardCharsets;
import java.nio.charset.UnsupportedCharsetException;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

/**
 * Sends one HTTP request to a path of an {@code http} platform's {@code baseUrl}. Outputs {@code status} and
 * {@code body} (parsed when the response is JSON, else text; at most 64 KiB). DESIGN.md section 10 rule 10: a 4xx
 * fails for good, a 5xx, a connection error or a timeout may be retried. The final URL's host must be one of the
 * platform's {@code allowedHosts} (default: the base URL's host), so a task cannot reach arbitrary addresses;
 * redirects are not followed for the same reason (a 3xx is a success with its status). Each platform has a circuit
 * breaker: the calls that may be retried count as its failures, and while it is open runs fail fast (retryable)
 * without a request.
 */
public class HttpRequestExecutor implements JobExecutor {

    static final int MAX_BODY_BYTES = 64 * 1024;
    private static final int ERROR_EXCERPT_CHARS = 200;
    private static final Pattern METHOD = Pattern.compile("[A-Z]+");
    private static final Pattern CHARSET = Pattern.compile("(?i)charset=\"?([^\";\\s]+)");

    private final HttpClient client;
    private final Duration defaultTimeout;
    private final PlatformCircuitBreakers breakers;

    public HttpRequestExecutor(Duration defaultTimeout, PlatformCircuitBreakers breakers) {
        this.defaultTimeout = defaultTimeout;
        this.breakers = breakers;
        this.client = HttpClient.newBuilder()
                .version(HttpClient.Version.HTTP_1_1)
                .followRedirects(HttpClient.Redirect.NEVER)
                .connectTimeout(defaultTimeout)
                .build();
    }

    @Override
    public String jobType() {
        return JobTypeCatalog.HTTP_REQUEST;
    }

    @Override
    public JobResult execute(JobContext context) throws InterruptedException {
        JobValues config = context.platformConfig();
        JobValues params = context.params();
        URI base = parseBase(config.requiredString("baseUrl"));
        String method = params.string("method").orElse("GET").toUpperCase(Locale.ROOT);
        if (!METHOD.matcher(method).matches()) {
            throw new InvalidParametersException("parameter 'method' is not an HTTP method: " + method);
        }
        URI uri = resolve(base, params.string("path").orElse(""));
        String described = method + " " + (uri.getRawPath() == null || uri.getRawPath().isEmpty() ? "/" : uri.getRawPath());

        Set<String> allowedHosts = config.stringList("allowedHosts")
                .map(hosts -> hosts.stream().map(host -> host.toLowerCase(Locale.ROOT)).collect(Collectors.toSet()))
                .orElse(Set.of(base.getHost().toLowerCase(Locale.ROOT)));
        if (uri.getHost() == null || !allowedHosts.contains(uri.getHost().toLowerCase(Locale.ROOT))) {
            return JobResult.nonRetryableFailure(described + " refused: host '" + uri.getHost()
                    + "' is not in the platform's allowedHosts " + new TreeSet<>(allowedHosts));
        }

        Duration timeout = params.integer("timeoutSeconds")
                .filter(seconds -> seconds > 0)
                .map(Duration::ofSeconds)
                .orElse(defaultTimeout);
        HttpRequest request = request(uri, method, headers(config, params), params.raw("body").orElse(null), timeout);

        String platform = context.platform().name() == null ? base.getHost() : context.platform().name();
        CircuitBreaker breaker = breakers.of(platform);
        if (!breaker.tryAcquirePermission()) {
            return JobResult.retryableFailure(described + " not sent: circuit open for platform " + platform);
        }
        long startedAt = breaker.getCurrentTimestamp();
        JobResult result;
        try {
            result = call(request, described, timeout);
        } catch (InterruptedException | RuntimeException e) {
            breaker.releasePermission();
            throw e;
        }
        long elapsed = breaker.getCurrentTimestamp() - startedAt;
        if (result instanceof JobResult.Failure failure && failure.error().retryable()) {
            breaker.onError(elapsed, breaker.getTimestampUnit(), new PlatformFailure(failure.error().message()));
        } else {
            breaker.onSuccess(elapsed, breaker.getTimestampUnit());
        }
        return result;
    }

    private JobResult call(HttpRequest request, String described, Duration timeout) throws InterruptedException {
        HttpResponse<InputStream> response;
        try {
            response = client.send(request, HttpResponse.BodyHandlers.ofInputStream());
        } catch (HttpConnectTimeoutException e) {
            return JobResult.retryableFailure(described + " failed: no connection within " + timeoutText(defaultTimeout));
        } catch (HttpTimeoutException e) {
            return JobResult.retryableFailure(described + " timed out after " + timeoutText(timeout));
        } catch (IOException e) {
            return JobResult.retryableFailure(described + " failed: " + describe(e));
        }

        Body body;
        try {
            body = read(response);
        } catch (IOException e) {
            return JobResult.retryableFailure(described + " answered " + response.statusCode()
                    + " but its body could not be read: " + describe(e));
        }
        int status = response.statusCode();
        if (status >= 500) {
            return JobResult.retryableFailure(described + " answered " + status + excerpt(body));
        }
        if (status >= 400) {
            return JobResult.nonRetryableFailure(described + " answered " + status + excerpt(body));
        }
        Map<String, Object> outputs = new LinkedHashMap<>();
        outputs.put("status", status);
        outputs.put("body", body.value());
        return JobResult.success(outputs);
    }

    private static URI parseBase(String baseUrl) {
        URI base;
        try {
            base = new URI(baseUrl);
        } catch (URISyntaxException e) {
            throw new InvalidParametersException("platform config 'baseUrl' is not a URL: " + e.getMessage());
        }
        String scheme = base.getScheme() == null ? "" : base.getScheme().toLowerCase(Locale.ROOT);
        if (!scheme.equals("http") && !scheme.equals("https") || base.getHost() == null) {
            throw new InvalidParametersException("platform config 'baseUrl' must be an http or https URL with a host: "
                    + baseUrl);
        }
        return base;
    }

    /** The path is appended to the base URL as text (not resolved), so a base URL's own path prefix is kept. */
    private static URI resolve(URI base, String path) {
        String prefix = base.toString();
        String joined;
        if (path.isEmpty()) {
            joined = prefix;
        } else if (prefix.endsWith("/") && path.startsWith("/")) {
            joined = prefix + path.substring(1);
        } else if (prefix.endsWith("/") || path.startsWith("/") || path.startsWith("?")) {
            joined = prefix + path;
        } else {
            joined = prefix + "/" + path;
        }
        try {
            return new URI(joined);
        } catch (URISyntaxException e) {
            throw new InvalidParametersException("parameter 'path' does not make a valid URL: " + e.getMessage());
        }
    }

    private static Map<String, String> headers(JobValues config, JobValues params) {
        Map<String, String> headers = new TreeMap<>(String.CASE_INSENSITIVE_ORDER);
        headers.putAll(config.stringMap("headers"));
        headers.putAll(params.stringMap("headers"));
        return headers;
    }

    private static HttpRequest request(URI uri, String method, Map<String, String> headers, Object body,
                                       Duration timeout) {
        HttpRequest.BodyPublisher publisher;
        if (body == null) {
            publisher = HttpRequest.BodyPublishers.noBody();
        } else if (body instanceof String text) {
            publisher = HttpRequest.BodyPublishers.ofString(text, StandardCharsets.UTF_8);
            headers.putIfAbsent("Content-Type", "text/plain; charset=UTF-8");
        } else {
            publisher = HttpRequest.BodyPublishers.ofString(Json.encode(body), StandardCharsets.UTF_8);
            headers.putIfAbsent("Content-Type", "application/json");
        }
        HttpRequest.Builder builder = HttpRequest.newBuilder(uri).timeout(timeout).method(method, publisher);
        try {
            headers.forEach(builder::header);
            return builder.build();
        } catch (IllegalArgumentException e) {
            throw new InvalidParametersException("the request cannot be sent: " + e.getMessage());
        }
    }

    private static Body read(HttpResponse<InputStream> response) throws IOException {
        byte[] bytes;
        try (InputStream in = response.body()) {
            bytes = in.readNBytes(MAX_BODY_BYTES + 1);
        }
        boolean truncated = bytes.length > MAX_BODY_BYTES;
        int length = Math.min(bytes.length, MAX_BODY_BYTES);
        String contentType = response.headers().firstValue("Content-Type").orElse("").toLowerCase(Locale.ROOT);
        if (!truncated && length > 0 && isJson(contentType)) {
            try {
                return new Body(Json.mapper().readValue(bytes, Object.class));
            } catch (JacksonException notJson) {
                // a server that mislabels its body still gets it reported, as text
            }
        }
        return new Body(new String(bytes, 0, length, charset(contentType)));
    }

    private static boolean isJson(String contentType) {
        String mediaType = contentType.split(";", 2)[0].trim();
        return mediaType.equals("application/json") || mediaType.endsWith("+json");
    }

    private static Charset charset(String contentType) {
        Matcher m = CHARSET.matcher(contentType);
        if (m.find()) {
            try {
                return Charset.forName(m.group(1));
            } catch (IllegalCharsetNameException | UnsupportedCharsetException e) {
                return StandardCharsets.UTF_8;
            }
        }
        return StandardCharsets.UTF_8;
    }

    private static String excerpt(Body body) {
        Object value = body.value();
        String text = value instanceof String s ? s : Json.encode(value);
        text = text.strip();
        if (text.isEmpty()) {
            return "";
        }
        return ": " + (text.length() <= ERROR_EXCERPT_CHARS ? text : text.substring(0, ERROR_EXCERPT_CHARS) + "…");
    }

    private static String describe(IOException e) {
        // the JDK client often throws an exception without a message (ConnectException) around one with a message
        String message = null;
        for (Throwable cause = e; cause != null && message == null; cause = cause.getCause()) {
            message = cause.getMessage();
        }
        return e.getClass().getSimpleName() + (message == null ? "" : ": " + message);
    }

    private static String timeoutText(Duration timeout) {
        return timeout.toMillis() % 1000 == 0 ? timeout.toSeconds() + " s" : timeout.toMillis() + " ms";
    }

    private record Body(Object value) {
    }

    /** What the breaker records of a failed call; never thrown. */
    private static final class PlatformFailure extends RuntimeException {

        PlatformFailure(String message) {
            super(message, null, false, false);
        }
    }
}
