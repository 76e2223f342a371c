package io.polysync.task.api;

import jakarta.servlet.RequestDispatcher;
import jakarta.servlet.http.HttpServletRequest;
import org.springframework.boot.webmvc.error.ErrorController;
import io.polysync.task.ui.UiPages;
import io.polysync.task.ui.UiUser;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.security.core.context.SecurityContextHolder;
import org.springframework.web.servlet.ModelAndView;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RestController;

import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Errors that never reached a controller (rejected by the servlet container or a filter) are forwarded to
 * {@code /error}; they get the same problem shape as the rest of the API instead of Boot's default error page. A
 * browser asking for HTML (a page of the web UI that does not exist, or that the user's role may not see) gets the
 * UI's error page instead, which says no more than the problem would.
 */
@RestController
public class ProblemErrorController implements ErrorController {

    @RequestMapping(value = "${server.error.path:/error}", produces = MediaType.TEXT_HTML_VALUE)
    ModelAndView errorPage(HttpServletRequest request) {
        HttpStatus status = status(request);
        Map<String, Object> model = new HashMap<>();
        model.put("status", status.value());
        model.put("title", status.getReasonPhrase());
        model.put("detail", switch (status) {
            case NOT_FOUND -> "There is no such page.";
            case FORBIDDEN -> "Your role does not allow this.";
            default -> status.is5xxServerError() ? "The page could not be shown." : status.getReasonPhrase();
        });
        model.put("currentUser", UiUser.of(SecurityContextHolder.getContext().getAuthentication()));
        return new ModelAndView(UiPages.ERROR_VIEW, model, status);
    }

    @RequestMapping("${server.error.path:/error}")
    ResponseEntity<Object> error(HttpServletRequest request) {
        HttpStatus status = status(request);
        String detail = status.is5xxServerError() ? "the request could not be completed" : status.getReasonPhrase();
        return ApiExceptionHandler.problem(status, status.getReasonPhrase(), detail, List.of());
    }

    private static HttpStatus status(HttpServletRequest request) {
        Object code = request.getAttribute(RequestDispatcher.ERROR_STATUS_CODE);
        return code instanceof Integer c && HttpStatus.resolve(c) != null
                ? HttpStatus.valueOf(c) : HttpStatus.INTERNAL_SERVER_ERROR;
    }
}
