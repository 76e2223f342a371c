package io.polysync.task.vault;

import io.polysync.model.Json;
import io.polysync.task.config.TaskServiceProperties;
import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.Ordered;
import org.springframework.core.annotation.Order;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.security.authentication.UsernamePasswordAuthenticationToken;
import org.springframework.security.config.annotation.web.builders.HttpSecurity;
import org.springframework.security.config.http.SessionCreationPolicy;
import org.springframework.security.core.authority.AuthorityUtils;
import org.springframework.security.core.context.SecurityContext;
import org.springframework.security.core.context.SecurityContextHolder;
import org.springframework.security.core.context.SecurityContextHolderStrategy;
import org.springframework.security.web.SecurityFilterChain;
import org.springframework.security.web.authentication.AnonymousAuthenticationFilter;
import org.springframework.web.filter.OncePerRequestFilter;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * {@code /internal/**} has a security filter chain of its own, ordered before the API's: there only the internal
 * token counts, so no API token (not even an admin's) reads secret values, and the internal token is never looked
 * up as an API token anywhere else. Without a configured internal token every internal path answers 404.
 */
@Configuration(proxyBeanMethods = false)
class InternalSecurityConfiguration {

    static final String AUTHORITY = "INTERNAL_SECRET_READER";

    @Bean
    @Order(Ordered.HIGHEST_PRECEDENCE)
    SecurityFilterChain internalEndpoints(HttpSecurity http, TaskServiceProperties properties) throws Exception {
        InternalTokenFilter filter = new InternalTokenFilter(properties.vault().internalToken());
        http.securityMatcher("/internal/**")
                .csrf(csrf -> csrf.disable())
                .sessionManagement(s -> s.sessionCreationPolicy(SessionCreationPolicy.STATELESS))
                .requestCache(cache -> cache.disable())
                .httpBasic(basic -> basic.disable())
                .formLogin(form -> form.disable())
                .addFilterBefore(filter, AnonymousAuthenticationFilter.class)
                .exceptionHandling(e -> e
                        .authenticationEntryPoint((request, response, failure) -> unauthorized(response))
                        .accessDeniedHandler((request, response, failure) -> unauthorized(response)))
                .authorizeHttpRequests(a -> a.anyRequest().hasAuthority(AUTHORITY));
        return http.build();
    }

    static void unauthorized(HttpServletResponse response) throws IOException {
        response.setHeader(HttpHeaders.WWW_AUTHENTICATE, "Bearer realm=\"polysync-internal\"");
        write(response, HttpStatus.UNAUTHORIZED, "Unauthorized",
                "this endpoint requires the internal token: send Authorization: Bearer <internal token>");
    }

    static void write(HttpServletResponse response, HttpStatus status, String title, String detail)
            throws IOException {
        Map<String, Object> problem = new LinkedHashMap<>();
        problem.put("type", "about:blank");
        problem.put("title", title);
        problem.put("status", status.value());
        problem.put("detail", detail);
        problem.put("errors", List.of());
        response.setStatus(status.value());
        response.setContentType(MediaType.APPLICATION_PROBLEM_JSON_VALUE);
        response.setCharacterEncoding(StandardCharsets.UTF_8.name());
        response.getWriter().write(Json.encode(problem));
        response.getWriter().flush();
    }

    /** Not a bean, so the servlet container does not also register it for every path. */
    static final class InternalTokenFilter extends OncePerRequestFilter {

        private static final String SCHEME = "Bearer ";

        private final byte[] expectedDigest;
        private final SecurityContextHolderStrategy contexts = SecurityContextHolder.getContextHolderStrategy();

        InternalTokenFilter(String internalToken) {
            this.expectedDigest = internalToken == null || internalToken.isBlank() ? null : digest(internalToken);
        }

        @Override
        protected void doFilterInternal(HttpServletRequest request, HttpServletResponse response, FilterChain chain)
                throws ServletException, IOException {
            if (expectedDigest == null) {
                write(response, HttpStatus.NOT_FOUND, "Not Found", "no internal endpoints are enabled");
                return;
            }
            String header = request.getHeader(HttpHeaders.AUTHORIZATION);
            boolean valid = header != null && header.regionMatches(true, 0, SCHEME, 0, SCHEME.length())
                    && matches(header.substring(SCHEME.length()).trim());
            if (!valid) {
                contexts.clearContext();
                unauthorized(response);
                return;
            }
            SecurityContext context = contexts.createEmptyContext();
            context.setAuthentication(UsernamePasswordAuthenticationToken.authenticated("internal", null,
                    AuthorityUtils.createAuthorityList(AUTHORITY)));
            contexts.setContext(context);
            chain.doFilter(request, response);
        }

        /** Compares digests so neither the content nor the length of the token leaks through timing. */
        private boolean matches(String presented) {
            return !presented.isEmpty() && MessageDigest.isEqual(expectedDigest, digest(presented));
        }

        private static byte[] digest(String token) {
            try {
                return MessageDigest.getInstance("SHA-256").digest(token.getBytes(StandardCharsets.UTF_8));
            } catch (NoSuchAlgorithmException e) {
                throw new IllegalStateException("SHA-256 is part of every JVM", e);
            }
        }
    }
}
