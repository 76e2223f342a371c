package io.polysync.task;

import org.springframework.boot.autoconfigure.SpringBootApplication;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.boot.context.properties.ConfigurationPropertiesScan;

/** The task-service: definitions, Run Once, and the read model of runs behind the REST API. */
@SpringBootApplication
@ConfigurationPropertiesScan
public class TaskServiceApplication {

    public static final String CONFIG_NAME = "task-service";

    public static void main(String[] args) {
        new SpringApplicationBuilder(TaskServiceApplication.class)
                .properties("spring.config.name=" + CONFIG_NAME)
                .run(args);
    }
}
