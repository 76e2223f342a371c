package io.polysync.task.ui;

import io.polysync.task.api.NotFoundException;
import jakarta.servlet.http.HttpServletResponse;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.core.Ordered;
import org.springframework.core.annotation.Order;
import org.springframework.http.HttpStatus;
import org.springframework.security.access.AccessDeniedException;
import org.springframework.security.core.Authentication;
import org.springframework.ui.Model;
import org.springframework.web.bind.annotation.ControllerAdvice;
import org.springframework.web.bind.annotation.ExceptionHandler;
import org.springframework.web.bind.annotation.ModelAttribute;

/**
 * What every page of the web UI has: the signed-in user and an (empty) {@link UiErrors} in its model, and HTML
 * error pages instead of the API's problem documents for what the controllers do not handle themselves. Ordered
 * before the API's exception handler, which covers every controller.
 */
@ControllerAdvice(basePackages = "io.polysync.task.ui")
@Order(Ordered.HIGHEST_PRECEDENCE)
public class UiPages {

    public static final String ERROR_VIEW = "error";
    private static final Logger log = LoggerFactory.getLogger(UiPages.class);

    @ModelAttribute("currentUser")
    UiUser currentUser(Authentication authentication) {
        return UiUser.of(authentication);
    }

    @ModelAttribute("errors")
    UiErrors errors() {
        return UiErrors.none();
    }

    @ExceptionHandler(NotFoundException.class)
    String notFound(NotFoundException e, Model model, HttpServletResponse response) {
        return errorPage(HttpStatus.NOT_FOUND, e.getMessage(), model, response);
    }

    @ExceptionHandler(AccessDeniedException.class)
    String forbidden(AccessDeniedException e, Model model, HttpServletResponse response) {
        return errorPage(HttpStatus.FORBIDDEN, "Your role does not allow this.", model, response);
    }

    @ExceptionHandler(Exception.class)
    String unexpected(Exception e, Model model, HttpServletResponse response) {
        log.error("unhandled error on a page", e);
        return errorPage(HttpStatus.INTERNAL_SERVER_ERROR, "The page could not be shown.", model, response);
    }

    /** Renders the error page with {@code status}; {@code detail} is plain text (escaped by the template). */
    public static String errorPage(HttpStatus status, String detail, Model model, HttpServletResponse response) {
        response.setStatus(status.value());
        model.addAttribute("status", status.value());
        model.addAttribute("title", status.getReasonPhrase());
        model.addAttribute("detail", detail);
        return ERROR_VIEW;
    }
}
