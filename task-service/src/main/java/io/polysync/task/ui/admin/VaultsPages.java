package io.polysync.task.ui.admin;

import io.polysync.task.api.InUseException;
import io.polysync.task.security.Role;
import io.polysync.task.ui.UiErrors;
import io.polysync.task.ui.UiPage;
import io.polysync.task.ui.UiUser;
import io.polysync.task.vault.SecretRequest;
import io.polysync.task.vault.SecretView;
import io.polysync.task.vault.VaultKind;
import io.polysync.task.vault.VaultRequest;
import io.polysync.task.vault.VaultService;
import io.polysync.task.vault.VaultView;
import org.springframework.data.domain.Page;
import org.springframework.data.domain.PageRequest;
import org.springframework.data.domain.Sort;
import org.springframework.stereotype.Controller;
import org.springframework.ui.Model;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.ModelAttribute;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.servlet.mvc.support.RedirectAttributes;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Vaults: everyone sees where secrets live; admins create and delete vaults and set or delete the secrets of builtin
 * vaults. A secret value goes one way only: into the service. It is never rendered, not even back into a form whose
 * save failed.
 */
@Controller
@RequestMapping("/vaults")
class VaultsPages {

    private static final String FORM = "admin/vault-form";
    private static final String DETAIL = "admin/vault";

    private final VaultService vaults;

    VaultsPages(VaultService vaults) {
        this.vaults = vaults;
    }

    @GetMapping
    String list(@RequestParam(name = "q", defaultValue = "") String filter,
                @RequestParam(name = "page", required = false) Integer page, Model model) {
        Page<VaultView> found = vaults.list(filter, PageRequest.of(UiPage.number(page), UiPage.SIZE, Sort.by("name")));
        model.addAttribute("vaults", new UiPage<>(found.getContent(), found.getTotalElements(), found.getNumber(),
                found.getSize(), filter));
        return "admin/vaults";
    }

    @GetMapping("/new")
    String createForm(@ModelAttribute("currentUser") UiUser me, Model model) {
        me.require(Role.ADMIN);
        model.addAttribute("form", new VaultForm("", VaultKind.BUILTIN.wire(), "", ""));
        model.addAttribute("kinds", VaultKind.wireNames());
        return FORM;
    }

    @PostMapping
    String create(@ModelAttribute("currentUser") UiUser me, VaultForm form, Model model,
                  RedirectAttributes redirect) {
        me.require(Role.ADMIN);
        try {
            VaultView created = vaults.create(form.toRequest());
            redirect.addFlashAttribute("message", "Vault '" + created.name() + "' created.");
            return "redirect:/vaults/" + created.name();
        } catch (RuntimeException e) {
            model.addAttribute("errors", UiErrors.of(e).orElseThrow(() -> e));
            model.addAttribute("form", form);
            model.addAttribute("kinds", VaultKind.wireNames());
            return FORM;
        }
    }

    @GetMapping("/{name}")
    String show(@ModelAttribute("currentUser") UiUser me, @PathVariable String name, Model model) {
        return detail(me, vaults.get(name), "", model);
    }

    @PostMapping("/{name}/delete")
    String delete(@ModelAttribute("currentUser") UiUser me, @PathVariable String name, Model model, RedirectAttributes redirect) {
        me.require(Role.ADMIN);
        try {
            vaults.delete(name);
        } catch (InUseException inUse) {
            model.addAttribute("referrers", inUse.referrers());
            return detail(me, vaults.get(name), "", model);
        }
        redirect.addFlashAttribute("message", "Vault '" + name + "' deleted.");
        return "redirect:/vaults";
    }

    /** Sets (creates or replaces) a secret of a builtin vault. {@code value} is used once and dropped. */
    @PostMapping("/{name}/secrets")
    String putSecret(@ModelAttribute("currentUser") UiUser me, @PathVariable String name,
                     @RequestParam(name = "secretName", defaultValue = "") String secretName,
                     @RequestParam(name = "value", required = false) String value, Model model, RedirectAttributes redirect) {
        me.require(Role.ADMIN);
        VaultView vault = vaults.get(name);
        try {
            vaults.putSecret(name, secretName.trim(), new SecretRequest(value == null || value.isEmpty() ? null : value));
        } catch (RuntimeException e) {
            UiErrors errors = UiErrors.of(e).orElseThrow(() -> e);
            model.addAttribute("errors", secretFieldNames(errors));
            return detail(me, vault, secretName, model);
        }
        redirect.addFlashAttribute("message", "Secret '" + secretName.trim() + "' set. Its value is not shown again.");
        return "redirect:/vaults/" + name;
    }

    @PostMapping("/{name}/secrets/{secret}/delete")
    String deleteSecret(@ModelAttribute("currentUser") UiUser me, @PathVariable String name,
                        @PathVariable String secret, RedirectAttributes redirect) {
        me.require(Role.ADMIN);
        try {
            vaults.deleteSecret(name, secret);
            redirect.addFlashAttribute("message", "Secret '" + secret + "' deleted.");
        } catch (RuntimeException e) {
            UiErrors errors = UiErrors.of(e).orElseThrow(() -> e);
            redirect.addFlashAttribute("error", String.join("; ", errors.except(List.of())));
        }
        return "redirect:/vaults/" + name;
    }

    private String detail(UiUser me, VaultView vault, String secretName, Model model) {
        model.addAttribute("vault", vault);
        model.addAttribute("secretName", secretName);
        boolean builtin = VaultKind.BUILTIN.wire().equals(vault.kind());
        // secret names, like values, are for admins only (as in the API)
        if (builtin && me.isAdmin()) {
            List<SecretView> secrets = vaults.listSecrets(vault.name(),
                    PageRequest.of(0, 500, Sort.by("key.name"))).getContent();
            model.addAttribute("secrets", secrets);
        }
        model.addAttribute("builtin", builtin);
        return DETAIL;
    }

    /** The secret form names its inputs secretName and value; the service names them name and value. */
    private static UiErrors secretFieldNames(UiErrors errors) {
        UiErrors renamed = UiErrors.none();
        errors.all().forEach((field, message) -> renamed.add(field.equals("name") ? "secretName" : field, message));
        return renamed;
    }

    /** What the vault form posts; only the setting of the chosen kind is sent. */
    record VaultForm(String name, String kind, String prefix, String directory) {

        VaultRequest toRequest() {
            Map<String, Object> config = new LinkedHashMap<>();
            if (VaultKind.ENV.wire().equals(kind) && FormValues.text(prefix) != null) {
                config.put("prefix", prefix.trim());
            } else if (VaultKind.FILE.wire().equals(kind) && FormValues.text(directory) != null) {
                config.put("directory", directory.trim());
            }
            return new VaultRequest(FormValues.text(name), FormValues.text(kind), config);
        }
    }
}
