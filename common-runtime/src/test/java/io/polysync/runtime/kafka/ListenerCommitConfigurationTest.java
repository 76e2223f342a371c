package io.polysync.runtime.kafka;

import org.junit.jupiter.api.Test;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.kafka.autoconfigure.KafkaAutoConfiguration;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.kafka.config.ConcurrentKafkaListenerContainerFactory;
import org.springframework.kafka.listener.ConcurrentMessageListenerContainer;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The listener container factory Spring Boot builds for every service picks the customizer up: its containers commit
 * asynchronously. A customizer whose generic type Boot does not match would be ignored without a word.
 */
class ListenerCommitConfigurationTest {

    private final ApplicationContextRunner context = new ApplicationContextRunner()
            .withConfiguration(AutoConfigurations.of(KafkaAutoConfiguration.class))
            .withUserConfiguration(ListenerCommitConfiguration.class);

    @Test
    void containersOfTheBootFactoryCommitAsynchronously() {
        context.run(ctx -> {
            ConcurrentKafkaListenerContainerFactory<?, ?> factory =
                    ctx.getBean(ConcurrentKafkaListenerContainerFactory.class);
            ConcurrentMessageListenerContainer<?, ?> container = factory.createContainer("polysync.triggers");
            assertThat(container.getContainerProperties().isSyncCommits()).isFalse();
        });
    }

    @Test
    void withoutTheCustomizerTheyWouldCommitSynchronously() {
        new ApplicationContextRunner().withConfiguration(AutoConfigurations.of(KafkaAutoConfiguration.class))
                .run(ctx -> assertThat(ctx.getBean(ConcurrentKafkaListenerContainerFactory.class)
                        .createContainer("polysync.triggers").getContainerProperties().isSyncCommits()).isTrue());
    }
}
