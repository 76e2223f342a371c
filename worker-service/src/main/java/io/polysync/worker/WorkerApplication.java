package io.polysync.worker;

import org.springframework.boot.autoconfigure.SpringBootApplication;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.boot.context.properties.ConfigurationPropertiesScan;

/** Executes the runs the dispatcher admits and reports what happened to each; it keeps nothing durable. */
@SpringBootApplication
@ConfigurationPropertiesScan
public class WorkerApplication {

    public static final String CONFIG_NAME = "worker-service";

    public static void main(String[] args) {
        new SpringApplicationBuilder(WorkerApplication.class).properties("spring.config.name=" + CONFIG_NAME).run(args);
    }
}
