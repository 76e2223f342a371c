package io.polysync.task.ui.task;

import io.polysync.model.Json;
import io.polysync.model.jobtype.JobTypeCatalog;
import io.polysync.model.task.Backoff;
import io.polysync.model.task.MisfirePolicy;
import io.polysync.task.api.NotFoundException;
import io.polysync.task.definition.Previews;
import io.polysync.task.definition.TaskRequest;
import io.polysync.task.definition.TaskService;
import io.polysync.task.definition.TaskView;
import io.polysync.task.job.JobService;
import io.polysync.task.job.JobView;
import io.polysync.task.profile.ContentionProfileService;
import io.polysync.task.run.RunAccepted;
import io.polysync.task.run.RunOnceService;
import io.polysync.task.security.Role;
import io.polysync.task.validation.FieldError;
import io.polysync.task.validation.InvalidRequestException;
import io.polysync.task.vault.VaultService;
import io.polysync.task.vault.VaultView;
import org.springframework.data.domain.PageRequest;
import org.springframework.data.domain.Sort;
import io.polysync.task.ui.UiErrors;
import io.polysync.task.ui.UiUser;
import org.springframework.stereotype.Controller;
import org.springframework.ui.Model;
import org.springframework.util.MultiValueMap;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.ModelAttribute;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.servlet.mvc.support.RedirectAttributes;

import java.time.Clock;
import java.time.DateTimeException;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The task editor: one form across the five tabs of the product document, so switching tabs never loses what was
 * typed and a refused save re-renders every tab as submitted, each error beside its field. Saving goes through
 * {@link TaskService} and previews through {@link Previews}, the code behind the API's endpoints.
 */
@Controller
class TaskEditorController {

    static final int PREVIEW_COUNT = 5;
    /** The product's advice: keep Max Retry Attempts conservative (1–3). */
    static final int CONSERVATIVE_RETRIES = 3;
    private static final int ALL = 1000;
    private static final Pattern SCHEDULE_FIELD = Pattern.compile("schedules\\[(\\d+)]\\.?(.*)");

    /** One fire time of the schedule preview, in UTC and in the zone of the first schedule. */
    record FireTime(String utc, String local) {
    }

    private final TaskService tasks;
    private final JobService jobs;
    private final VaultService vaults;
    private final ContentionProfileService profiles;
    private final RunOnceService runOnce;
    private final TaskPageQueries queries;
    private final JobTypeCatalog jobTypes;
    private final Clock clock;
    private final List<String> timeZones = ZoneId.getAvailableZoneIds().stream().sorted().toList();

    TaskEditorController(TaskService tasks, JobService jobs, VaultService vaults, ContentionProfileService profiles,
                         RunOnceService runOnce, TaskPageQueries queries, JobTypeCatalog jobTypes, Clock clock) {
        this.tasks = tasks;
        this.jobs = jobs;
        this.vaults = vaults;
        this.profiles = profiles;
        this.runOnce = runOnce;
        this.queries = queries;
        this.jobTypes = jobTypes;
        this.clock = clock;
    }

    @GetMapping("/tasks/new")
    String create(@RequestParam(name = "tab", defaultValue = "general") String tab,
                  @ModelAttribute("currentUser") UiUser user, Model model) {
        user.require(Role.EDITOR);
        return editor(model, user, null, TaskForm.blank(), new EditorErrors(), tab);
    }

    @GetMapping("/tasks/{name}")
    String edit(@PathVariable String name, @RequestParam(name = "tab", defaultValue = "general") String tab,
                @ModelAttribute("currentUser") UiUser user, Model model) {
        TaskView task = saved(name);
        return editor(model, user, task, TaskForm.of(task), new EditorErrors(), tab);
    }

    @PostMapping("/tasks")
    String saveNew(@RequestParam MultiValueMap<String, String> body, @ModelAttribute("currentUser") UiUser user,
                   Model model, RedirectAttributes flash) {
        user.require(Role.EDITOR);
        TaskForm form = TaskForm.read(body);
        String tab = tab(body.getFirst("tab"));
        EditorErrors errors = new EditorErrors();
        Optional<TaskRequest> request = request(form, jobOf(form.job()), errors);
        if (request.isPresent()) {
            try {
                return saved(tasks.create(request.get()), tab, flash);
            } catch (RuntimeException e) {
                errors.add(UiErrors.of(e).orElseThrow(() -> e));
            }
        }
        return editor(model, user, null, form, errors, errors.countOn(tab) > 0 ? tab : errors.firstTab(tab));
    }

    @PostMapping("/tasks/{name}")
    String save(@PathVariable String name, @RequestParam MultiValueMap<String, String> body,
                @ModelAttribute("currentUser") UiUser user, Model model, RedirectAttributes flash) {
        user.require(Role.EDITOR);
        TaskView task = saved(name);
        TaskForm read = TaskForm.read(body);
        TaskForm form = new TaskForm(task.name(), task.job(), read.parameters(), read.dependencies(),
                read.schedules(), read.misfirePolicy(), read.catchUpLimit(), read.priority(), read.retryEnabled(),
                read.retryMaxAttempts(), read.retryBackoff(), read.retryInitialDelay(), read.retryMaxDelay(),
                read.retryJitter(), read.executionTimeoutSeconds(), read.maxConcurrentRuns(),
                read.contentionProfiles());
        String tab = tab(body.getFirst("tab"));
        EditorErrors errors = new EditorErrors();
        Optional<TaskRequest> request = request(form, jobOf(task.job()), errors);
        if (request.isPresent()) {
            try {
                return saved(tasks.replace(name, request.get()), tab, flash);
            } catch (RuntimeException e) {
                errors.add(UiErrors.of(e).orElseThrow(() -> e));
            }
        }
        return editor(model, user, task, form, errors, errors.countOn(tab) > 0 ? tab : errors.firstTab(tab));
    }

    /** Run Once, then the new run's page, where it is watched live. */
    @PostMapping("/tasks/{name}/run-once")
    String runOnce(@PathVariable String name, @ModelAttribute("currentUser") UiUser user, RedirectAttributes flash) {
        user.require(Role.OPERATOR);
        try {
            RunAccepted run = runOnce.runOnce(name, null, user.name());
            return "redirect:/runs/" + run.runId();
        } catch (InvalidRequestException e) {
            flash.addFlashAttribute("error", "Run Once was refused: " + describe(e.errors()));
            flash.addAttribute("name", name);
            return "redirect:/tasks/{name}";
        }
    }

    /** The Settings tab's inputs for a job chosen on the General tab of a new task. */
    @GetMapping("/tasks/editor/parameters")
    String parameters(@RequestParam(name = "job", defaultValue = "") String job, Model model) {
        model.addAttribute("params", jobOf(job).map(j -> ParameterField.of(j, TaskForm.blank(), new EditorErrors()))
                .orElse(null));
        model.addAttribute("vaults", vaultNames());
        return "tasks/editor :: parameters";
    }

    /** The next fire times of the schedules as typed, by the code behind {@code POST /api/v1/schedule-preview}. */
    @PostMapping("/tasks/editor/schedule-preview")
    String schedulePreview(@RequestParam MultiValueMap<String, String> body, Model model) {
        schedulePreview(TaskForm.read(body), model);
        return "tasks/editor :: schedulePreview";
    }

    /** The delay before each retry, by the code behind {@code POST /api/v1/retry-preview}. */
    @PostMapping("/tasks/editor/retry-preview")
    String retryPreview(@RequestParam MultiValueMap<String, String> body, Model model) {
        retryPreview(TaskForm.read(body), model);
        return "tasks/editor :: retryPreview";
    }

    private void schedulePreview(TaskForm form, Model model) {
        List<TaskRequest.Schedule> schedules = form.toRequest(Map.of(), new ArrayList<>()).schedules();
        List<String> problems = new ArrayList<>();
        List<FireTime> fires = List.of();
        if (!schedules.isEmpty()) {
            try {
                Previews.ScheduleAnswer answer = Previews.schedules(
                        new Previews.ScheduleRequest(schedules, PREVIEW_COUNT), clock.instant());
                ZoneId zone = zone(schedules.get(0).timeZone());
                fires = answer.fireTimes().stream()
                        .map(t -> new FireTime(Times.utc(t), "UTC".equals(zone.getId()) ? null : Times.in(t, zone)))
                        .toList();
            } catch (InvalidRequestException e) {
                e.errors().forEach(f -> problems.add(scheduleProblem(f)));
            }
        }
        model.addAttribute("scheduleCount", schedules.size());
        model.addAttribute("fireTimes", fires);
        model.addAttribute("scheduleProblems", problems);
    }

    private void retryPreview(TaskForm form, Model model) {
        List<TaskForm.Problem> typed = new ArrayList<>();
        TaskRequest.Retry retry = form.retry(typed);
        List<String> problems = new ArrayList<>(typed.stream().map(p -> p.field() + " " + p.message()).toList());
        Previews.RetryAnswer answer = null;
        if (problems.isEmpty()) {
            try {
                answer = Previews.retry(new Previews.RetryRequest(retry));
            } catch (InvalidRequestException e) {
                e.errors().forEach(f -> problems.add(f.field() + " " + f.message()));
            }
        }
        model.addAttribute("retry", answer);
        model.addAttribute("retryProblems", problems);
        model.addAttribute("conservative", CONSERVATIVE_RETRIES);
        model.addAttribute("tooManyRetries", answer != null && answer.totalRetries() > CONSERVATIVE_RETRIES);
    }

    private String saved(TaskView task, String tab, RedirectAttributes flash) {
        flash.addFlashAttribute("message", "Saved task '" + task.name() + "' (version " + task.definitionVersion()
                + ").");
        if (!task.schedules().isEmpty() && !queries.hasRun(task.id())) {
            flash.addFlashAttribute("runOnceAdvice", true);
        }
        flash.addAttribute("name", task.name());
        flash.addAttribute("tab", tab);
        return "redirect:/tasks/{name}";
    }

    private Optional<TaskRequest> request(TaskForm form, Optional<JobView> job, EditorErrors errors) {
        List<TaskForm.Problem> problems = new ArrayList<>();
        TaskRequest request = form.toRequest(job.map(ParameterField::types).orElse(Map.of()), problems);
        problems.forEach(p -> errors.add(p.field(), p.message()));
        return problems.isEmpty() ? Optional.of(request) : Optional.empty();
    }

    private String editor(Model model, UiUser user, TaskView task, TaskForm form, EditorErrors errors,
                          String tab) {
        boolean canEdit = user.has(Role.EDITOR);
        Optional<JobView> job = jobOf(form.job());
        List<JobView> allJobs = jobs.list(null, PageRequest.of(0, ALL, Sort.by("name"))).getContent();
        Map<String, List<String>> taskOutputs = queries.taskOutputs();

        Map<String, Object> state = new LinkedHashMap<>();
        state.put("tab", tab(tab));
        state.put("self", task == null ? "" : task.name());
        state.put("job", form.job());
        state.put("platform", job.map(JobView::platform).orElse(""));
        state.put("jobType", job.map(JobView::jobType).orElse(""));
        state.put("deps", form.dependencies());
        state.put("schedules", form.schedules());
        state.put("errors", errors.all());
        state.put("jobs", allJobs.stream().map(j -> Map.of("name", j.name(), "platform", j.platform(),
                "jobType", j.jobType(), "parameters", ParameterField.types(j).keySet().stream().toList())).toList());
        state.put("tasks", taskOutputs);
        state.put("edges", queries.dependencyEdges());

        model.addAttribute("task", task);
        model.addAttribute("pageTitle", task == null ? "New Task" : task.name());
        model.addAttribute("form", form);
        model.addAttribute("errors", errors);
        model.addAttribute("tab", tab(tab));
        model.addAttribute("tabs", EditorErrors.TAB_ORDER);
        model.addAttribute("job", job.orElse(null));
        model.addAttribute("params", job.map(j -> ParameterField.of(j, form, errors)).orElse(null));
        model.addAttribute("vaults", vaultNames());
        model.addAttribute("platforms", allJobs.stream().map(JobView::platform).distinct().sorted().toList());
        model.addAttribute("jobTypes", jobTypes.names().stream().sorted().toList());
        model.addAttribute("profiles", profiles.list(null, PageRequest.of(0, ALL, Sort.by("name"))).getContent());
        model.addAttribute("timeZones", timeZones);
        model.addAttribute("backoffs", Backoff.values());
        model.addAttribute("misfirePolicies", MisfirePolicy.values());
        model.addAttribute("canEdit", canEdit);
        model.addAttribute("canRun", task != null && user.has(Role.OPERATOR));
        model.addAttribute("neverRun", task != null && !queries.hasRun(task.id()));
        model.addAttribute("state", Json.encode(state));
        schedulePreview(form, model);
        retryPreview(form, model);
        return "tasks/editor";
    }

    /** The saved task; an unknown name is the UI's 404 page. */
    private TaskView saved(String name) {
        return tasks.get(name);
    }

    private Optional<JobView> jobOf(String name) {
        if (name == null || name.isBlank()) {
            return Optional.empty();
        }
        try {
            return Optional.of(jobs.get(name));
        } catch (NotFoundException e) {
            return Optional.empty();
        }
    }

    private List<String> vaultNames() {
        return vaults.list(null, PageRequest.of(0, ALL, Sort.by("name"))).map(VaultView::name).getContent();
    }

    private static String tab(String tab) {
        return tab != null && EditorErrors.TAB_ORDER.contains(tab) ? tab : "general";
    }

    private static ZoneId zone(String id) {
        try {
            return ZoneId.of(id == null ? "UTC" : id);
        } catch (DateTimeException e) {
            return ZoneId.of("UTC");
        }
    }

    /** "Schedule 2: cron: ..." — rows are counted from 1, as the user sees them. */
    private static String scheduleProblem(FieldError error) {
        Matcher m = SCHEDULE_FIELD.matcher(error.field());
        if (m.matches()) {
            int row = Integer.parseInt(m.group(1)) + 1;
            String what = m.group(2).equals("timeZone") ? "time zone" : m.group(2);
            return "Schedule " + row + (what.isEmpty() ? "" : " " + what) + ": " + error.message();
        }
        return error.field() + ": " + error.message();
    }

    private static String describe(List<FieldError> errors) {
        return String.join("; ", errors.stream().map(e -> e.field() + " " + e.message()).toList());
    }
}
