package io.polysync.task.ui;

import org.springframework.security.core.Authentication;
import org.springframework.security.authentication.AnonymousAuthenticationToken;
import org.springframework.stereotype.Controller;
import org.springframework.web.bind.annotation.GetMapping;

/** The entry points: {@code /} opens the task list, {@code /login} is the sign-in form (posted to Spring Security). */
@Controller
class RootController {

    @GetMapping("/")
    String root() {
        return "redirect:/tasks";
    }

    @GetMapping("/login")
    String login(Authentication authentication) {
        boolean signedIn = authentication != null && authentication.isAuthenticated()
                && !(authentication instanceof AnonymousAuthenticationToken);
        return signedIn ? "redirect:/tasks" : "login";
    }
}
