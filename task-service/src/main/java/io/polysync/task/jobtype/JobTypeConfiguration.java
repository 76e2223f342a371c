package io.polysync.task.jobtype;

import io.polysync.model.jobtype.JobTypeCatalog;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

@Configuration(proxyBeanMethods = false)
public class JobTypeConfiguration {

    @Bean
    JobTypeCatalog jobTypeCatalog() {
        return JobTypeCatalog.builtIn();
    }
}
