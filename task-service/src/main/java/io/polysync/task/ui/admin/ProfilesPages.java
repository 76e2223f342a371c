package io.polysync.task.ui.admin;

import io.polysync.task.api.InUseException;
import io.polysync.task.profile.ContentionProfileRequest;
import io.polysync.task.profile.ContentionProfileService;
import io.polysync.task.profile.ContentionProfileView;
import io.polysync.task.security.Role;
import io.polysync.task.ui.UiErrors;
import io.polysync.task.ui.UiPage;
import io.polysync.task.ui.UiUser;
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

/** Contention profiles: everyone reads them, editors create, change and delete them. */
@Controller
@RequestMapping("/profiles")
class ProfilesPages {

    private static final String FORM = "admin/profile-form";

    private final ContentionProfileService profiles;

    ProfilesPages(ContentionProfileService profiles) {
        this.profiles = profiles;
    }

    @GetMapping
    String list(@RequestParam(name = "q", defaultValue = "") String filter,
                @RequestParam(name = "page", required = false) Integer page, Model model) {
        Page<ContentionProfileView> found = profiles.list(filter,
                PageRequest.of(UiPage.number(page), UiPage.SIZE, Sort.by("name")));
        model.addAttribute("profiles", new UiPage<>(found.getContent(), found.getTotalElements(), found.getNumber(),
                found.getSize(), filter));
        return "admin/profiles";
    }

    @GetMapping("/new")
    String createForm(@ModelAttribute("currentUser") UiUser me, Model model) {
        me.require(Role.EDITOR);
        model.addAttribute("form", ProfileForm.empty());
        model.addAttribute("creating", true);
        return FORM;
    }

    @PostMapping
    String create(@ModelAttribute("currentUser") UiUser me, ProfileForm form, Model model, RedirectAttributes redirect) {
        me.require(Role.EDITOR);
        UiErrors errors = UiErrors.none();
        ContentionProfileRequest request = form.toRequest(errors);
        try {
            if (errors.isEmpty()) {
                ContentionProfileView created = profiles.create(request);
                redirect.addFlashAttribute("message", "Contention profile '" + created.name() + "' created.");
                return "redirect:/profiles";
            }
        } catch (RuntimeException e) {
            errors = UiErrors.of(e).orElseThrow(() -> e);
        }
        return failed(form, errors, true, null, model);
    }

    @GetMapping("/{name}")
    String edit(@PathVariable String name, Model model) {
        ContentionProfileView profile = profiles.get(name);
        model.addAttribute("form", ProfileForm.of(profile));
        model.addAttribute("profile", profile);
        model.addAttribute("creating", false);
        return FORM;
    }

    @PostMapping("/{name}")
    String update(@ModelAttribute("currentUser") UiUser me, @PathVariable String name, ProfileForm form, Model model, RedirectAttributes redirect) {
        me.require(Role.EDITOR);
        ContentionProfileView existing = profiles.get(name);
        ProfileForm named = form.withName(name);
        UiErrors errors = UiErrors.none();
        ContentionProfileRequest request = named.toRequest(errors);
        try {
            if (errors.isEmpty()) {
                profiles.replace(name, request);
                redirect.addFlashAttribute("message", "Contention profile '" + name + "' saved.");
                return "redirect:/profiles/" + name;
            }
        } catch (RuntimeException e) {
            errors = UiErrors.of(e).orElseThrow(() -> e);
        }
        return failed(named, errors, false, existing, model);
    }

    @PostMapping("/{name}/delete")
    String delete(@ModelAttribute("currentUser") UiUser me, @PathVariable String name, Model model, RedirectAttributes redirect) {
        me.require(Role.EDITOR);
        try {
            profiles.delete(name);
        } catch (InUseException inUse) {
            ContentionProfileView profile = profiles.get(name);
            model.addAttribute("referrers", inUse.referrers());
            return failed(ProfileForm.of(profile), UiErrors.none(), false, profile, model);
        }
        redirect.addFlashAttribute("message", "Contention profile '" + name + "' deleted.");
        return "redirect:/profiles";
    }

    private static String failed(ProfileForm form, UiErrors errors, boolean creating, ContentionProfileView profile,
                                 Model model) {
        model.addAttribute("form", form);
        model.addAttribute("errors", errors);
        model.addAttribute("creating", creating);
        model.addAttribute("profile", profile);
        return FORM;
    }

    /**
     * What the profile form posts, kept as typed (text) so a failed save shows it unchanged.
     *
     * @param rateRuns at most this many admissions...
     * @param ratePer  ...in any window of this ISO-8601 duration
     */
    record ProfileForm(String name, String maxConcurrent, String rateRuns, String ratePer) {

        static ProfileForm empty() {
            return new ProfileForm("", "", "", "");
        }

        static ProfileForm of(ContentionProfileView p) {
            return new ProfileForm(p.name(), p.maxConcurrent() == null ? "" : p.maxConcurrent().toString(),
                    p.rateLimit() == null ? "" : Integer.toString(p.rateLimit().runs()),
                    p.rateLimit() == null ? "" : p.rateLimit().per());
        }

        ProfileForm withName(String fixed) {
            return new ProfileForm(fixed, maxConcurrent, rateRuns, ratePer);
        }

        /** The request for the service; numbers that are not numbers are reported at their fields. */
        ContentionProfileRequest toRequest(UiErrors errors) {
            Integer max = FormValues.integer(maxConcurrent, "maxConcurrent", errors);
            Integer runs = FormValues.integer(rateRuns, "rateLimit.runs", errors);
            String per = FormValues.text(ratePer);
            ContentionProfileRequest.RateLimit rate = runs == null && per == null && FormValues.text(rateRuns) == null
                    ? null : new ContentionProfileRequest.RateLimit(runs, per);
            return new ContentionProfileRequest(FormValues.text(name), max, rate);
        }
    }
}
