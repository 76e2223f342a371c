package io.polysync.runtime.testing;

import org.springframework.test.context.DynamicPropertyRegistry;

/** Registers the shared test infrastructure with a Spring test context. */
public final class TestProperties {

    private TestProperties() {
    }

    /** Points the service at the test PostgreSQL, in a schema of its own that Flyway creates. */
    public static void database(DynamicPropertyRegistry registry, String schema) {
        TestDatabase.Connection db = TestDatabase.get();
        registry.add("spring.datasource.url", db::url);
        registry.add("spring.datasource.username", db::username);
        registry.add("spring.datasource.password", db::password);
        registry.add("spring.datasource.hikari.schema", () -> schema);
        registry.add("spring.flyway.schemas", () -> schema);
    }

    /** Points the service at the JVM-wide embedded broker ({@code spring.kafka.global.embedded.enabled=true}). */
    public static void kafka(DynamicPropertyRegistry registry) {
        registry.add("spring.kafka.bootstrap-servers", () -> System.getProperty("spring.embedded.kafka.brokers"));
    }
}
