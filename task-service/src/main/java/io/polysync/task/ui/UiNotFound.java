package io.polysync.task.ui;

import jakarta.servlet.http.HttpServletResponse;
import org.springframework.core.Ordered;
import org.springframework.core.annotation.Order;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.security.core.Authentication;
import org.springframework.ui.Model;
import org.springframework.web.bind.annotation.ControllerAdvice;
import org.springframework.web.bind.annotation.ExceptionHandler;
import org.springframework.web.servlet.resource.NoResourceFoundException;

/**
 * A browser asking for a page that no controller serves gets the UI's 404 page; every other client still gets the
 * API's problem document (this handler only applies when HTML is acceptable).
 */
@ControllerAdvice
@Order(Ordered.HIGHEST_PRECEDENCE)
class UiNotFound {

    @ExceptionHandler(value = NoResourceFoundException.class, produces = MediaType.TEXT_HTML_VALUE)
    String noSuchPage(Authentication authentication, Model model, HttpServletResponse response) {
        model.addAttribute("currentUser", UiUser.of(authentication));
        return UiPages.errorPage(HttpStatus.NOT_FOUND, "There is no such page.", model, response);
    }
}
