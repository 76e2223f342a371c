package io.polysync.worker.executor;

import io.polysync.model.Json;
import io.polysync.model.jobtype.JobTypeCatalog;
import io.polysync.worker.execution.InvalidParametersException;
import io.polysync.worker.execution.JobContext;
import io.polysync.worker.execution.JobExecutor;
import io.polysync.worker.execution.JobResult;
import io.polysync.worker.execution.JobValues;
import org.apache.kafka.clients.CommonClientConfigs;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.Producer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.config.SaslConfigs;
import org.apache.kafka.common.serialization.StringSerializer;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Arrays;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * Publishes one record to a topic of a {@code kafka} platform ({@code bootstrapServers} as an array or a comma
 * separated string; {@code saslUsername}/{@code saslPassword} for SASL PLAIN over SASL_PLAINTEXT). {@code value} is
 * sent as is when it is a string, else as JSON; {@code key} and the string {@code headers} go with it. Outputs the
 * record's {@code partition} and {@code offset} once every in-sync replica has it. Every failure may be retried.
 *
 * <p>Producers are thread-safe and costly to start, so there is one per platform, kept while the platform's
 * connection settings stay the same; {@link #close()} closes them all.
 */
public class KafkaPublishExecutor implements JobExecutor, AutoCloseable {

    private static final Duration SEND_TIMEOUT = Duration.ofSeconds(30);
    private static final Duration CLOSE_TIMEOUT = Duration.ofSeconds(5);

    private final Map<String, CachedProducer> producers = new ConcurrentHashMap<>();

    @Override
    public String jobType() {
        return JobTypeCatalog.KAFKA_PUBLISH;
    }

    @Override
    public JobResult execute(JobContext context) throws InterruptedException {
        JobValues config = context.platformConfig();
        JobValues params = context.params();
        Settings settings = new Settings(bootstrapServers(config), config.string("saslUsername").orElse(null),
                config.string("saslPassword").orElse(null));
        if (settings.saslUsername() != null && settings.saslPassword() == null) {
            throw new InvalidParametersException("platform config 'saslPassword' is required with 'saslUsername'");
        }
        String topic = params.requiredString("topic");
        String key = params.string("key").orElse(null);
        Object rawValue = params.raw("value").orElse(null);
        String value = rawValue == null ? null : rawValue instanceof String text ? text : Json.encode(rawValue);
        Map<String, String> headers = params.stringMap("headers");

        ProducerRecord<String, String> record = new ProducerRecord<>(topic, key, value);
        headers.forEach((name, text) -> record.headers().add(name, text.getBytes(StandardCharsets.UTF_8)));

        String platform = context.platform().name() == null ? String.join(",", settings.bootstrapServers())
                : context.platform().name();
        RecordMetadata metadata;
        try {
            Future<RecordMetadata> sent = producer(platform, settings).send(record);
            metadata = sent.get(SEND_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
        } catch (ExecutionException e) {
            Throwable cause = e.getCause() == null ? e : e.getCause();
            return JobResult.retryableFailure("publishing to '" + topic + "' failed: " + describe(cause));
        } catch (TimeoutException e) {
            return JobResult.retryableFailure("publishing to '" + topic + "' was not acknowledged within "
                    + SEND_TIMEOUT.toSeconds() + " s");
        } catch (KafkaException e) {
            return JobResult.retryableFailure("publishing to '" + topic + "' failed: " + describe(e));
        }
        Map<String, Object> outputs = new LinkedHashMap<>();
        outputs.put("partition", metadata.partition());
        outputs.put("offset", metadata.offset());
        return JobResult.success(outputs);
    }

    private static List<String> bootstrapServers(JobValues config) {
        Object raw = config.raw("bootstrapServers").orElse(null);
        List<String> servers;
        if (raw instanceof String text) {
            servers = Arrays.stream(text.split(",")).map(String::strip).filter(s -> !s.isEmpty()).toList();
        } else if (raw instanceof List<?>) {
            servers = config.stringList("bootstrapServers").orElseThrow().stream().map(String::strip)
                    .filter(s -> !s.isEmpty()).toList();
        } else {
            servers = List.of();
        }
        if (servers.isEmpty()) {
            throw new InvalidParametersException(
                    "platform config 'bootstrapServers' is required: host:port entries, as an array or comma separated");
        }
        return servers;
    }

    /** The platform's producer; one made with other settings (the platform was edited) is replaced and closed. */
    private Producer<String, String> producer(String platform, Settings settings) {
        CachedProducer cached = producers.compute(platform, (name, current) -> {
            if (current != null && current.settings().equals(settings)) {
                return current;
            }
            if (current != null) {
                current.producer().close(CLOSE_TIMEOUT);
            }
            return new CachedProducer(settings, new KafkaProducer<>(properties(settings), new StringSerializer(),
                    new StringSerializer()));
        });
        return cached.producer();
    }

    private static Map<String, Object> properties(Settings settings) {
        Map<String, Object> properties = new HashMap<>();
        properties.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, String.join(",", settings.bootstrapServers()));
        properties.put(ProducerConfig.ACKS_CONFIG, "all");
        properties.put(ProducerConfig.CLIENT_ID_CONFIG, "polysync-worker-kafka-publish");
        // a send that cannot get metadata or an acknowledgement gives up within the job's wait
        properties.put(ProducerConfig.MAX_BLOCK_MS_CONFIG, (int) Duration.ofSeconds(10).toMillis());
        properties.put(ProducerConfig.REQUEST_TIMEOUT_MS_CONFIG, (int) Duration.ofSeconds(10).toMillis());
        properties.put(ProducerConfig.DELIVERY_TIMEOUT_MS_CONFIG, (int) Duration.ofSeconds(25).toMillis());
        properties.put(ProducerConfig.LINGER_MS_CONFIG, 0);
        if (settings.saslUsername() != null) {
            properties.put(CommonClientConfigs.SECURITY_PROTOCOL_CONFIG, "SASL_PLAINTEXT");
            properties.put(SaslConfigs.SASL_MECHANISM, "PLAIN");
            properties.put(SaslConfigs.SASL_JAAS_CONFIG, "org.apache.kafka.common.security.plain.PlainLoginModule"
                    + " required username=\"" + jaasQuoted(settings.saslUsername()) + "\" password=\""
                    + jaasQuoted(settings.saslPassword()) + "\";");
        }
        return properties;
    }

    private static String jaasQuoted(String text) {
        return text.replace("\\", "\\\\").replace("\"", "\\\"");
    }

    private static String describe(Throwable e) {
        return e.getMessage() == null ? e.getClass().getSimpleName() : e.getClass().getSimpleName() + ": " + e.getMessage();
    }

    @Override
    public void close() {
        producers.values().forEach(cached -> cached.producer().close(CLOSE_TIMEOUT));
        producers.clear();
    }

    private record Settings(List<String> bootstrapServers, String saslUsername, String saslPassword) {

        Settings {
            Objects.requireNonNull(bootstrapServers, "bootstrapServers");
        }

        /** Never shows the password, should the settings ever be printed. */
        @Override
        public String toString() {
            return "Settings[bootstrapServers=" + bootstrapServers + ", saslUsername=" + saslUsername + "]";
        }
    }

    private record CachedProducer(Settings settings, Producer<String, String> producer) {
    }
}
