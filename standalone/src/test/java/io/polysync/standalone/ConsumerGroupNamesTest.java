package io.polysync.standalone;

import io.polysync.dispatcher.DispatcherApplication;
import io.polysync.model.ConsumerGroups;
import io.polysync.scheduler.SchedulerApplication;
import io.polysync.task.TaskServiceApplication;
import io.polysync.worker.WorkerApplication;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.config.YamlPropertiesFactoryBean;
import org.springframework.core.io.ClassPathResource;

import java.util.Map;
import java.util.Properties;

import static org.assertj.core.api.Assertions.assertThat;

/** The default consumer group each service's yml names is the one the lag monitor expects (ConsumerGroups). */
class ConsumerGroupNamesTest {

    @Test
    void eachServiceYmlNamesTheGroupOfConsumerGroups() {
        Map<String, String> expected = Map.of(
                DispatcherApplication.CONFIG_NAME, ConsumerGroups.DISPATCHER,
                SchedulerApplication.CONFIG_NAME, ConsumerGroups.SCHEDULER,
                TaskServiceApplication.CONFIG_NAME, ConsumerGroups.TASK_SERVICE,
                WorkerApplication.CONFIG_NAME, ConsumerGroups.WORKER);
        expected.forEach((configName, group) -> {
            YamlPropertiesFactoryBean yaml = new YamlPropertiesFactoryBean();
            yaml.setResources(new ClassPathResource(configName + ".yml"));
            Properties properties = yaml.getObject();
            assertThat(properties).as(configName + ".yml").isNotNull();
            assertThat(properties.getProperty("spring.kafka.consumer.group-id")).as(configName).isEqualTo(group);
            assertThat(ConsumerGroups.EXPECTED).containsKey(group);
        });
    }
}
