package io.polysync.dispatcher;

import org.springframework.boot.autoconfigure.SpringBootApplication;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.boot.context.properties.ConfigurationPropertiesScan;

/** The dispatcher: turns triggers into runs, keeps the run ledger and gates runs into the priority band topics. */
@SpringBootApplication
@ConfigurationPropertiesScan
public class DispatcherApplication {

    /** The config file name ({@code dispatcher-service.yml}); the standalone mode starts this service under it. */
    public static final String CONFIG_NAME = "dispatcher-service";

    public static void main(String[] args) {
        new SpringApplicationBuilder(DispatcherApplication.class)
                .properties("spring.config.name=" + CONFIG_NAME)
                .run(args);
    }
}
