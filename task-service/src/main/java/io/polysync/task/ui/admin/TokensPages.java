package io.polysync.task.ui.admin;

import io.polysync.task.api.PageResponse;
import io.polysync.task.security.Role;
import io.polysync.task.token.CreatedToken;
import io.polysync.task.token.TokenRequest;
import io.polysync.task.token.TokenService;
import io.polysync.task.token.TokenView;
import io.polysync.task.ui.UiErrors;
import io.polysync.task.ui.UiPage;
import io.polysync.task.ui.UiUser;
import jakarta.servlet.http.HttpServletResponse;
import org.springframework.data.domain.PageRequest;
import org.springframework.http.HttpHeaders;
import org.springframework.stereotype.Controller;
import org.springframework.ui.Model;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.ModelAttribute;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.servlet.mvc.support.RedirectAttributes;

import java.util.Arrays;
import java.util.List;

/**
 * API tokens, for admins only. A new token's value is rendered once, in the answer to the creating POST (never
 * through a redirect, which would park it in the session, and marked no-store so no cache keeps that page).
 */
@Controller
@RequestMapping("/tokens")
class TokensPages {

    private static final List<String> ROLES = Arrays.stream(Role.values()).map(Role::id).toList();

    private final TokenService tokens;

    TokensPages(TokenService tokens) {
        this.tokens = tokens;
    }

    @GetMapping
    String list(@ModelAttribute("currentUser") UiUser me, @RequestParam(name = "q", defaultValue = "") String filter,
                @RequestParam(name = "page", required = false) Integer page, Model model) {
        me.require(Role.ADMIN);
        return listPage(filter, UiPage.number(page), model);
    }

    @PostMapping
    String create(@ModelAttribute("currentUser") UiUser me, @RequestParam(name = "name", defaultValue = "") String name,
                  @RequestParam(name = "role", required = false) String role, Model model,
                  HttpServletResponse response) {
        me.require(Role.ADMIN);
        try {
            CreatedToken created = tokens.create(new TokenRequest(name.trim(), role));
            response.setHeader(HttpHeaders.CACHE_CONTROL, "no-store");
            model.addAttribute("created", created);
        } catch (RuntimeException e) {
            model.addAttribute("errors", UiErrors.of(e).orElseThrow(() -> e));
            model.addAttribute("name", name);
            model.addAttribute("role", role);
        }
        return listPage("", 0, model);
    }

    @PostMapping("/{name}/delete")
    String revoke(@ModelAttribute("currentUser") UiUser me, @PathVariable String name,
                  RedirectAttributes redirect) {
        me.require(Role.ADMIN);
        try {
            tokens.delete(name);
            redirect.addFlashAttribute("message", "Token '" + name + "' revoked.");
        } catch (RuntimeException e) {
            UiErrors errors = UiErrors.of(e).orElseThrow(() -> e);
            redirect.addFlashAttribute("error", "Token '" + name + "' was not revoked: "
                    + String.join("; ", errors.all().values()));
        }
        return "redirect:/tokens";
    }

    private String listPage(String filter, int page, Model model) {
        PageResponse<TokenView> found = tokens.list(filter, PageRequest.of(page, UiPage.SIZE));
        model.addAttribute("tokens", new UiPage<>(found.content(), found.totalElements(), found.page(), found.size(),
                filter));
        model.addAttribute("roles", ROLES);
        if (!model.containsAttribute("role")) {
            model.addAttribute("role", Role.VIEWER.id());
        }
        if (!model.containsAttribute("name")) {
            model.addAttribute("name", "");
        }
        return "admin/tokens";
    }
}
