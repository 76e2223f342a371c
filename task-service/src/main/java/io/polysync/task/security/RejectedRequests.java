package io.polysync.task.security;

import io.polysync.task.token.ApiTokenAuthenticator;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpStatus;
import org.springframework.security.authentication.AuthenticationProvider;
import org.springframework.security.authentication.UsernamePasswordAuthenticationToken;
import org.springframework.security.core.AuthenticationException;
import org.springframework.security.web.firewall.RequestRejectedException;
import org.springframework.security.web.firewall.RequestRejectedHandler;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.Optional;

/**
 * Requests the firewall refuses (encoded slashes, {@code //}, {@code ;}, {@code ..}, encoded dots, …) never reach a
 * route. Without valid credentials they are answered 401 like any other unauthenticated request, so probing odd paths
 * teaches nothing; with valid credentials 400, since the path itself is malformed.
 */
final class RejectedRequests implements RequestRejectedHandler {

    private final ApiTokenAuthenticator tokens;
    private final AuthenticationProvider passwords;

    RejectedRequests(ApiTokenAuthenticator tokens, AuthenticationProvider passwords) {
        this.tokens = tokens;
        this.passwords = passwords;
    }

    @Override
    public void handle(HttpServletRequest request, HttpServletResponse response, RequestRejectedException e)
            throws IOException {
        if (authenticated(request)) {
            ProblemResponses.write(response, HttpStatus.BAD_REQUEST, "Bad request",
                    "the request path is not in normalised form");
        } else {
            ProblemResponses.unauthorized(response, "authentication is required: send Authorization: Bearer <API token>");
        }
    }

    private boolean authenticated(HttpServletRequest request) {
        Optional<String> bearer = ApiTokenAuthenticationFilter.bearerToken(request);
        if (bearer.isPresent()) {
            return !bearer.get().isEmpty() && tokens.authenticate(bearer.get()).isPresent();
        }
        String header = request.getHeader(HttpHeaders.AUTHORIZATION);
        if (header == null || !header.regionMatches(true, 0, "Basic ", 0, 6)) {
            return false;
        }
        try {
            String decoded = new String(Base64.getDecoder().decode(header.substring(6).trim()), StandardCharsets.UTF_8);
            int colon = decoded.indexOf(':');
            if (colon < 0) {
                return false;
            }
            return passwords.authenticate(UsernamePasswordAuthenticationToken.unauthenticated(
                    decoded.substring(0, colon), decoded.substring(colon + 1))).isAuthenticated();
        } catch (IllegalArgumentException | AuthenticationException invalid) {
            return false;
        }
    }
}
