package io.polysync.task.config;

import io.polysync.model.param.ParameterValidation;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/** One validator, so every accepted trigger shares its cache of compiled parameter schemas. */
@Configuration(proxyBeanMethods = false)
public class ParameterValidationConfiguration {

    @Bean
    ParameterValidation parameterValidation() {
        return new ParameterValidation();
    }
}
