package io.polysync.task.ui.admin;

import io.polysync.task.api.PageResponse;
import io.polysync.task.security.Role;
import io.polysync.task.ui.UiErrors;
import io.polysync.task.ui.UiPage;
import io.polysync.task.ui.UiUser;
import io.polysync.task.user.UserRequest;
import io.polysync.task.user.UserService;
import io.polysync.task.user.UserView;
import org.springframework.data.domain.PageRequest;
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
 * Users of the web UI, for admins only: create, change role or password, delete. Passwords are never rendered; the
 * guard that keeps one admin credential shows its message at the field it names.
 */
@Controller
@RequestMapping("/users")
class UsersPages {

    private static final List<String> ROLES = Arrays.stream(Role.values()).map(Role::id).toList();

    private final UserService users;

    UsersPages(UserService users) {
        this.users = users;
    }

    @GetMapping
    String list(@ModelAttribute("currentUser") UiUser me, @RequestParam(name = "q", defaultValue = "") String filter,
                @RequestParam(name = "page", required = false) Integer page, Model model) {
        me.require(Role.ADMIN);
        PageResponse<UserView> found = users.list(filter, PageRequest.of(UiPage.number(page), UiPage.SIZE));
        model.addAttribute("users", new UiPage<>(found.content(), found.totalElements(), found.page(), found.size(),
                filter));
        return "admin/users";
    }

    @GetMapping("/new")
    String createForm(@ModelAttribute("currentUser") UiUser me, Model model) {
        me.require(Role.ADMIN);
        model.addAttribute("username", "");
        model.addAttribute("role", Role.VIEWER.id());
        model.addAttribute("roles", ROLES);
        return "admin/user-new";
    }

    @PostMapping
    String create(@ModelAttribute("currentUser") UiUser me,
                  @RequestParam(name = "username", defaultValue = "") String username,
                  @RequestParam(name = "password", required = false) String password,
                  @RequestParam(name = "role", required = false) String role,
                  Model model, RedirectAttributes redirect) {
        me.require(Role.ADMIN);
        try {
            UserView created = users.create(new UserRequest(username.trim(), emptyToNull(password), role));
            redirect.addFlashAttribute("message", "User '" + created.username() + "' created with the role "
                    + created.role() + ".");
            return "redirect:/users";
        } catch (RuntimeException e) {
            model.addAttribute("errors", UiErrors.of(e).orElseThrow(() -> e));
            model.addAttribute("username", username);
            model.addAttribute("role", role);
            model.addAttribute("roles", ROLES);
            return "admin/user-new";
        }
    }

    @GetMapping("/{username}")
    String edit(@ModelAttribute("currentUser") UiUser me, @PathVariable String username, Model model) {
        me.require(Role.ADMIN);
        UserView user = users.get(username);
        return editPage(user, user.role(), model);
    }

    /** Changes the role, and the password when one is typed (empty keeps it). */
    @PostMapping("/{username}")
    String update(@ModelAttribute("currentUser") UiUser me, @PathVariable String username,
                  @RequestParam(name = "role", required = false) String role,
                  @RequestParam(name = "password", required = false) String password,
                  Model model, RedirectAttributes redirect) {
        me.require(Role.ADMIN);
        UserView user = users.get(username);
        try {
            users.update(username, new UserRequest(null, emptyToNull(password), role));
        } catch (RuntimeException e) {
            model.addAttribute("errors", UiErrors.of(e).orElseThrow(() -> e));
            return editPage(user, role, model);
        }
        redirect.addFlashAttribute("message", "User '" + username + "' saved.");
        return "redirect:/users";
    }

    @PostMapping("/{username}/delete")
    String delete(@ModelAttribute("currentUser") UiUser me, @PathVariable String username, Model model, RedirectAttributes redirect) {
        me.require(Role.ADMIN);
        UserView user = users.get(username);
        try {
            users.delete(username);
        } catch (RuntimeException e) {
            model.addAttribute("errors", UiErrors.of(e).orElseThrow(() -> e));
            return editPage(user, user.role(), model);
        }
        redirect.addFlashAttribute("message", "User '" + username + "' deleted.");
        return "redirect:/users";
    }

    private static String editPage(UserView user, String role, Model model) {
        model.addAttribute("user", user);
        model.addAttribute("role", role);
        model.addAttribute("roles", ROLES);
        return "admin/user-edit";
    }

    private static String emptyToNull(String value) {
        return value == null || value.isEmpty() ? null : value;
    }
}
