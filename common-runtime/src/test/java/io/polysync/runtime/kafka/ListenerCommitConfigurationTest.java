package io.polysync.runtime.kafka;

import io.polysync.runtime.RuntimeProperties;
import org.junit.jupiter.api.Test;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.boot.kafka.autoconfigure.KafkaAutoConfiguration;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.context.ApplicationContext;
import org.springframework.context.annotation.Configuration;
import org.springframework.kafka.config.ConcurrentKafkaListenerContainerFactory;
import org.springframework.kafka.listener.ContainerProperties;
import org.springframework.kafka.listener.ContainerProperties.AckMode;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The listener container factory Spring Boot builds for every service picks the customizer up: its containers commit
 * asynchronously, once per interval. A customizer whose generic type Boot does not match would be ignored without a
 * word.
 */
class ListenerCommitConfigurationTest {

    private final ApplicationContextRunner context = new ApplicationContextRunner()
            .withConfiguration(AutoConfigurations.of(KafkaAutoConfiguration.class))
            .withUserConfiguration(WithProperties.class, ListenerCommitConfiguration.class);

    @Test
    void containersOfTheBootFactoryCommitAsynchronouslyOncePerInterval() {
        context.run(ctx -> {
            ContainerProperties settings = container(ctx);
            assertThat(settings.isSyncCommits()).isFalse();
            assertThat(settings.getAckMode()).isEqualTo(AckMode.TIME);
            assertThat(settings.getAckTime()).isEqualTo(1000);
        });
    }

    @Test
    void theIntervalIsASetting() {
        context.withPropertyValues("polysync.runtime.listener-commit-interval=250ms").run(ctx ->
                assertThat(container(ctx).getAckTime()).isEqualTo(250));
    }

    @Test
    void anIntervalOfZeroCommitsAfterEveryPoll() {
        context.withPropertyValues("polysync.runtime.listener-commit-interval=0s").run(ctx -> {
            assertThat(container(ctx).getAckMode()).isEqualTo(AckMode.BATCH);
            assertThat(container(ctx).isSyncCommits()).isFalse();
        });
    }

    @Test
    void aContainerWithAnAckModeOfItsOwnKeepsIt() {
        context.withPropertyValues("spring.kafka.listener.ack-mode=record").run(ctx ->
                assertThat(container(ctx).getAckMode()).isEqualTo(AckMode.RECORD));
    }

    @Test
    void aNegativeIntervalFailsTheStart() {
        context.withPropertyValues("polysync.runtime.listener-commit-interval=-1s").run(ctx ->
                assertThat(ctx).getFailure().rootCause().hasMessageContaining("listener-commit-interval"));
    }

    @Test
    void withoutTheCustomizerTheyWouldCommitSynchronouslyAfterEveryPoll() {
        new ApplicationContextRunner().withConfiguration(AutoConfigurations.of(KafkaAutoConfiguration.class))
                .run(ctx -> {
                    assertThat(container(ctx).isSyncCommits()).isTrue();
                    assertThat(container(ctx).getAckMode()).isEqualTo(AckMode.BATCH);
                });
    }

    private static ContainerProperties container(ApplicationContext ctx) {
        return ctx.getBean(ConcurrentKafkaListenerContainerFactory.class).createContainer("polysync.triggers")
                .getContainerProperties();
    }

    @Configuration(proxyBeanMethods = false)
    @EnableConfigurationProperties(RuntimeProperties.class)
    static class WithProperties {
    }
}
