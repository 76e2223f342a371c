package io.polysync.scheduler;

import io.polysync.scheduler.config.SchedulerProperties;
import org.springframework.boot.autoconfigure.SpringBootApplication;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.boot.context.properties.EnableConfigurationProperties;

/** Publishes triggers when crons fire, parents succeed or retries fall due; keeps its own view of the tasks. */
@SpringBootApplication
@EnableConfigurationProperties(SchedulerProperties.class)
public class SchedulerApplication {

    /** Its configuration file ({@code scheduler-service.yml}); the standalone jar shares one classpath. */
    public static final String CONFIG_NAME = "scheduler-service";

    public static void main(String[] args) {
        new SpringApplicationBuilder(SchedulerApplication.class)
                .properties("spring.config.name=" + CONFIG_NAME)
                .run(args);
    }
}
