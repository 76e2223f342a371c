package io.polysync.task.security;

import io.polysync.task.token.ApiTokenAuthenticator;
import io.polysync.task.user.UserAccounts;
import jakarta.servlet.DispatcherType;
import org.springframework.boot.tomcat.ConfigurableTomcatWebServerFactory;
import org.springframework.boot.web.server.WebServerFactoryCustomizer;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.Ordered;
import org.springframework.core.annotation.Order;
import org.springframework.http.HttpMethod;
import org.springframework.security.authentication.ProviderManager;
import org.springframework.security.authentication.dao.DaoAuthenticationProvider;
import org.springframework.security.config.annotation.web.builders.HttpSecurity;
import org.springframework.security.config.annotation.web.configurers.AbstractHttpConfigurer;
import org.springframework.security.config.http.SessionCreationPolicy;
import org.springframework.security.config.observation.SecurityObservationSettings;
import org.springframework.security.crypto.factory.PasswordEncoderFactories;
import org.springframework.security.crypto.password.PasswordEncoder;
import org.springframework.security.web.SecurityFilterChain;
import org.springframework.security.web.firewall.RequestRejectedHandler;
import org.springframework.security.web.savedrequest.HttpSessionRequestCache;
import org.springframework.security.web.servlet.util.matcher.PathPatternRequestMatcher;
import org.springframework.security.web.util.matcher.OrRequestMatcher;
import org.springframework.security.web.util.matcher.RequestMatcher;
import org.springframework.security.web.authentication.www.BasicAuthenticationFilter;
import org.springframework.web.util.pattern.PathPatternParser;

import java.util.Arrays;
import java.util.stream.Stream;

/**
 * Who may call what. The internal endpoint's chain claims {@code /internal/**} first (only the workers' internal
 * token counts there, never an API token or user); the API chain claims the API, the MCP endpoint and the actuator:
 * stateless, bearer API tokens or HTTP Basic users, a role rule per route family, and denial of whatever no rule
 * names. The internal token is not an API token, so it is refused there like any unknown one. Every other path
 * belongs to the web UI's chain: the same users signed in through a form into a session, CSRF tokens on every
 * unsafe request, and a role rule per page family.
 *
 * <p>Rules match the path after the default {@code StrictHttpFirewall} has refused non-normalised forms (encoded
 * slashes, {@code //}, {@code ;}, {@code ..}). They ignore case, so {@code /API/V1/TOKENS} falls under the tokens
 * rule, and the restricted families are written {@code /name*}{@code /**}, so trailing slashes and suffixes such as
 * {@code /tokens.json} are restricted too: wherever the rules and the MVC mapping could disagree, the rules are the
 * stricter.
 */
@Configuration(proxyBeanMethods = false)
public class SecurityConfiguration {

    public static final String LOGIN_PAGE = "/login";

    private static final PathPatternRequestMatcher.Builder PATHS;
    /** What the API chain claims; matched ignoring case, like its rules, so no spelling of an API path reaches the UI's. */
    private static final RequestMatcher API_PATHS;

    static {
        PathPatternParser parser = new PathPatternParser();
        parser.setCaseSensitive(false);
        PATHS = PathPatternRequestMatcher.withPathPatternParser(parser);
        API_PATHS = any("/api/**", "/mcp", "/mcp/**", "/actuator", "/actuator/**");
    }

    /**
     * Tomcat would refuse {@code %2F} and {@code %5C} itself with an HTML 400 that tells an unauthenticated caller more than a 401;
     * passed through undecoded, it reaches the firewall, which refuses it in the API's problem shape (401 without
     * valid credentials, else 400). Either way no route ever sees an encoded slash or backslash.
     */
    @Bean
    WebServerFactoryCustomizer<ConfigurableTomcatWebServerFactory> encodedSlashesToTheFirewall() {
        return factory -> factory.addConnectorCustomizers(connector -> {
            connector.setEncodedSolidusHandling("passthrough");
            connector.setEncodedReverseSolidusHandling("passthrough");
        });
    }

    /**
     * No observation around each security filter, nor around authentication and authorization: with them every API
     * request paid for about thirty observation starts and stops, a measurable share of a Run Once's CPU (issue 10's
     * profile). {@code http.server.requests} still times every request, and no tracing is configured that would use
     * them.
     */
    @Bean
    SecurityObservationSettings securityObservations() {
        return SecurityObservationSettings.noObservations();
    }

    @Bean
    PasswordEncoder passwordEncoder() {
        return PasswordEncoderFactories.createDelegatingPasswordEncoder();
    }

    @Bean
    RequestRejectedHandler requestRejectedHandler(ApiTokenAuthenticator tokens, UserAccounts users,
                                                  PasswordEncoder encoder) {
        return new RejectedRequests(tokens, passwordProvider(users, encoder));
    }

    /** Ordered after the internal endpoint's own chain ({@code io.polysync.task.vault}), which claims {@code /internal/**}. */
    @Bean
    @Order(Ordered.LOWEST_PRECEDENCE - 10)
    SecurityFilterChain apiChain(HttpSecurity http, ApiTokenAuthenticator tokens, UserAccounts users,
                                 PasswordEncoder encoder) throws Exception {
        ProblemResponses problems = new ProblemResponses();
        return stateless(http)
                .securityMatcher(API_PATHS)
                .authenticationManager(new ProviderManager(passwordProvider(users, encoder)))
                .httpBasic(basic -> basic.authenticationEntryPoint(problems))
                .exceptionHandling(errors -> errors.authenticationEntryPoint(problems).accessDeniedHandler(problems))
                .addFilterBefore(new ApiTokenAuthenticationFilter(tokens), BasicAuthenticationFilter.class)
                .authorizeHttpRequests(rules -> rules
                        // Errors forwarded by the container were authorised as the original request.
                        .dispatcherTypeMatchers(DispatcherType.ERROR).permitAll()
                        .requestMatchers(read("/actuator/health", "/actuator/health/**")).permitAll()
                        .requestMatchers(read("/actuator/prometheus")).hasAuthority(Role.VIEWER.authority())
                        .requestMatchers(any("/actuator*/**")).hasAuthority(Role.ADMIN.authority())
                        .requestMatchers(any("/api/v1/tokens*/**", "/api/v1/users*/**",
                                "/api/v1/vaults*/*/secrets*/**")).hasAuthority(Role.ADMIN.authority())
                        .requestMatchers(read("/api/v1/vaults*/**")).hasAuthority(Role.VIEWER.authority())
                        .requestMatchers(any("/api/v1/vaults*/**")).hasAuthority(Role.ADMIN.authority())
                        .requestMatchers(method(HttpMethod.POST, "/api/v1/tasks/*/runs", "/api/v1/runs/*/cancel"))
                                .hasAuthority(Role.OPERATOR.authority())
                        // Includes the OpenAPI document and the Swagger UI, both served under /api/v1.
                        .requestMatchers(read("/api/v1/**"))
                                .hasAuthority(Role.VIEWER.authority())
                        // The copilot's MCP endpoint: reading tools need viewer; run_task_once checks operator itself.
                        .requestMatchers(any("/mcp", "/mcp/**")).hasAuthority(Role.VIEWER.authority())
                        .requestMatchers(method(HttpMethod.POST, "/api/v1/**"), method(HttpMethod.PUT, "/api/v1/**"),
                                method(HttpMethod.PATCH, "/api/v1/**"), method(HttpMethod.DELETE, "/api/v1/**"))
                                .hasAuthority(Role.EDITOR.authority())
                        .anyRequest().denyAll())
                .build();
    }

    /**
     * The web UI: every path the API chain does not claim. Only users sign in here (an API token opens no page), and
     * a page family needs the same role as the API's matching routes. Controllers check the same roles again before
     * acting, and templates hide what the user may not use.
     */
    @Bean
    @Order(Ordered.LOWEST_PRECEDENCE - 5)
    SecurityFilterChain uiChain(HttpSecurity http, UserAccounts users, PasswordEncoder encoder) throws Exception {
        return http
                .authenticationManager(new ProviderManager(passwordProvider(users, encoder)))
                .formLogin(form -> form.loginPage(LOGIN_PAGE).defaultSuccessUrl("/tasks").permitAll())
                .logout(logout -> logout.logoutRequestMatcher(PATHS.matcher(HttpMethod.POST, "/logout"))
                        .logoutSuccessUrl(LOGIN_PAGE + "?signedOut"))
                .httpBasic(AbstractHttpConfigurer::disable)
                .exceptionHandling(errors -> errors.authenticationEntryPoint(new HtmxLoginRedirect(LOGIN_PAGE)))
                .requestCache(cache -> cache.requestCache(pagesToReturnTo()))
                .authorizeHttpRequests(rules -> rules
                        .dispatcherTypeMatchers(DispatcherType.ERROR).permitAll()
                        .requestMatchers(read("/css/**", "/js/**", "/webjars/**", "/favicon.ico")).permitAll()
                        .requestMatchers(any("/users*/**", "/tokens*/**", "/vaults*/*/secrets*/**"))
                                .hasAuthority(Role.ADMIN.authority())
                        .requestMatchers(read("/**")).hasAuthority(Role.VIEWER.authority())
                        .requestMatchers(any("/vaults*/**")).hasAuthority(Role.ADMIN.authority())
                        .requestMatchers(method(HttpMethod.POST, "/tasks/*/run-once", "/runs/*/cancel"))
                                .hasAuthority(Role.OPERATOR.authority())
                        .requestMatchers(method(HttpMethod.POST, "/**")).hasAuthority(Role.EDITOR.authority())
                        .anyRequest().denyAll())
                .build();
    }

    /**
     * After signing in, the visitor returns to the page they asked for; never to an htmx fragment or an event
     * stream, which would show as a bare piece of a page.
     */
    private static HttpSessionRequestCache pagesToReturnTo() {
        HttpSessionRequestCache cache = new HttpSessionRequestCache();
        cache.setRequestMatcher(request -> HttpMethod.GET.matches(request.getMethod())
                && request.getHeader(HtmxLoginRedirect.HX_REQUEST) == null
                && !String.valueOf(request.getHeader("Accept")).contains("text/event-stream"));
        return cache;
    }

    private static HttpSecurity stateless(HttpSecurity http) throws Exception {
        return http
                .csrf(AbstractHttpConfigurer::disable)
                .sessionManagement(s -> s.sessionCreationPolicy(SessionCreationPolicy.STATELESS))
                .requestCache(AbstractHttpConfigurer::disable)
                .formLogin(AbstractHttpConfigurer::disable)
                .logout(AbstractHttpConfigurer::disable);
    }

    private static DaoAuthenticationProvider passwordProvider(UserAccounts users, PasswordEncoder encoder) {
        DaoAuthenticationProvider provider = new DaoAuthenticationProvider(users);
        provider.setPasswordEncoder(encoder);
        return provider;
    }

    private static RequestMatcher read(String... patterns) {
        return new OrRequestMatcher(Arrays.stream(patterns).flatMap(p -> Stream.of(
                PATHS.matcher(HttpMethod.GET, p), PATHS.matcher(HttpMethod.HEAD, p))).toArray(RequestMatcher[]::new));
    }

    private static RequestMatcher any(String... patterns) {
        return new OrRequestMatcher(Arrays.stream(patterns).map(PATHS::matcher).toArray(RequestMatcher[]::new));
    }

    private static RequestMatcher method(HttpMethod method, String... patterns) {
        return new OrRequestMatcher(Arrays.stream(patterns).map(p -> PATHS.matcher(method, p))
                .toArray(RequestMatcher[]::new));
    }
}
