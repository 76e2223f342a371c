package io.polysync.task.security;

import jakarta.servlet.ServletException;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import org.springframework.security.core.AuthenticationException;
import org.springframework.security.web.AuthenticationEntryPoint;
import org.springframework.security.web.authentication.LoginUrlAuthenticationEntryPoint;

import java.io.IOException;

/**
 * Sends a visitor without a session to the login page. An htmx request would follow that redirect and swap the login
 * page into a fragment of the page; it is answered 401 with {@code HX-Redirect} instead, which makes htmx load the
 * login page as a whole page.
 */
final class HtmxLoginRedirect implements AuthenticationEntryPoint {

    static final String HX_REQUEST = "HX-Request";

    private final String loginPage;
    private final LoginUrlAuthenticationEntryPoint pages;

    HtmxLoginRedirect(String loginPage) {
        this.loginPage = loginPage;
        this.pages = new LoginUrlAuthenticationEntryPoint(loginPage);
    }

    @Override
    public void commence(HttpServletRequest request, HttpServletResponse response, AuthenticationException failure)
            throws IOException, ServletException {
        if (request.getHeader(HX_REQUEST) != null) {
            response.setStatus(HttpServletResponse.SC_UNAUTHORIZED);
            response.setHeader("HX-Redirect", request.getContextPath() + loginPage);
            return;
        }
        pages.commence(request, response, failure);
    }
}
