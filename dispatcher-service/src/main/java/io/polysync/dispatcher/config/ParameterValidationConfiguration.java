package io.polysync.dispatcher.config;

import io.polysync.model.param.ParameterValidation;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/** One validator, so every queued run shares its cache of compiled parameter schemas. */
@Configuration(proxyBeanMethods = false)
public class ParameterValidationConfiguration {

    @Bean
    ParameterValidation parameterValidation() {
        return new ParameterValidation();
    }
}
