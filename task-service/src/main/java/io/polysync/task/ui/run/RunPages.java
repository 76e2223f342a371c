package io.polysync.task.ui.run;

import io.polysync.model.run.RunState;
import io.polysync.model.run.TriggerType;
import io.polysync.task.api.ConflictException;
import io.polysync.task.api.Paging;
import io.polysync.task.config.TaskServiceProperties;
import io.polysync.task.definition.Task;
import io.polysync.task.definition.TaskService;
import io.polysync.task.run.RunAccepted;
import io.polysync.task.run.RunCancellation;
import io.polysync.task.run.RunQueries;
import io.polysync.task.run.RunView;
import io.polysync.task.security.Role;
import io.polysync.task.ui.UiErrors;
import io.polysync.task.ui.UiPages;
import io.polysync.task.ui.UiUser;
import io.polysync.task.validation.Errors;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import org.springframework.data.domain.PageRequest;
import org.springframework.http.HttpStatus;
import org.springframework.stereotype.Controller;
import org.springframework.ui.Model;
import org.springframework.web.bind.annotation.ExceptionHandler;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.ModelAttribute;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.method.annotation.MethodArgumentTypeMismatchException;
import org.springframework.web.servlet.mvc.support.RedirectAttributes;

import java.util.Arrays;
import java.util.EnumSet;
import java.util.Locale;
import java.util.Set;
import java.util.UUID;

/**
 * The runs pages: the global and per-task lists and the run page, each live through {@link RunStreams}, and
 * Cancel for operators. A request from htmx or runs.js (header {@code HX-Request}) gets only the part that changes.
 * An unknown task or run is the 404 page of {@link UiPages}.
 */
@Controller
public class RunPages {

    private final RunQueries queries;
    private final RunCancellation cancellation;
    private final RunParameters parameters;
    private final TaskService tasks;
    private final Paging paging;
    private final int defaultPageSize;

    public RunPages(RunQueries queries, RunCancellation cancellation, RunParameters parameters, TaskService tasks,
                    Paging paging, TaskServiceProperties properties) {
        this.queries = queries;
        this.cancellation = cancellation;
        this.parameters = parameters;
        this.tasks = tasks;
        this.paging = paging;
        this.defaultPageSize = properties.defaultPageSize();
    }

    @GetMapping("/runs")
    String runs(@RequestParam(required = false) String state, @RequestParam(required = false) String triggerType,
                @RequestParam(required = false) Integer page, @RequestParam(required = false) Integer size,
                HttpServletRequest request, Model model) {
        return list(null, state, triggerType, page, size, request, model);
    }

    @GetMapping("/tasks/{name}/runs")
    String taskRuns(@PathVariable String name, @RequestParam(required = false) String state,
                    @RequestParam(required = false) String triggerType,
                    @RequestParam(required = false) Integer page, @RequestParam(required = false) Integer size,
                    HttpServletRequest request, Model model) {
        return list(tasks.find(name), state, triggerType, page, size, request, model);
    }

    @GetMapping("/runs/{runId}")
    String run(@PathVariable UUID runId, HttpServletRequest request, Model model) {
        RunView run = queries.get(runId);
        model.addAttribute("run", run);
        model.addAttribute("title", "Run " + run.runId().toString().substring(0, 8) + " of " + run.task());
        model.addAttribute("history", queries.history(runId));
        model.addAttribute("parameters", parameters.of(run).orElse(null));
        return partial(request) ? "runs/run :: detail" : "runs/run";
    }

    /** Asks the dispatcher to cancel; the run page then shows the request in the history and the end live. */
    @PostMapping("/runs/{runId}/cancel")
    String cancel(@PathVariable UUID runId, @ModelAttribute("currentUser") UiUser me, RedirectAttributes flash) {
        me.require(Role.OPERATOR);
        try {
            RunAccepted accepted = cancellation.cancel(runId, me.name());
            flash.addFlashAttribute("message", "Cancel requested. The run was " + accepted.state()
                    + " when asked; it ends CANCELLED once the dispatcher has stopped it.");
        } catch (ConflictException e) {
            flash.addFlashAttribute("error", e.getMessage());
        }
        return "redirect:/runs/" + runId;
    }

    @ExceptionHandler(MethodArgumentTypeMismatchException.class)
    String notARunId(MethodArgumentTypeMismatchException e, HttpServletResponse response, Model model) {
        return UiPages.errorPage(HttpStatus.NOT_FOUND, "There is no run with id '" + e.getValue() + "'.", model,
                response);
    }

    private String list(Task task, String state, String triggerType, Integer page, Integer size,
                        HttpServletRequest request, Model model) {
        UiErrors errors = UiErrors.none();
        RunState stateFilter = parse(RunState.class, state, "state", errors);
        TriggerType triggerFilter = parse(TriggerType.class, triggerType, "triggerType", errors);
        Errors pagingErrors = new Errors();
        PageRequest pageable = paging.of(page, size, RunQueries.NEWEST_FIRST, pagingErrors);
        errors.addAll(pagingErrors.list());
        UUID taskId = task == null ? null : task.id();
        RunQueries.Filter filter = new RunQueries.Filter(taskId, only(stateFilter), only(triggerFilter));
        model.addAttribute("listing", new RunListing(task == null ? null : task.name(), taskId, stateFilter,
                triggerFilter, queries.list(filter, pageable), pageable.getPageSize(), defaultPageSize));
        model.addAttribute("title", task == null ? "Runs" : "Runs of " + task.name());
        model.addAttribute("states", RunState.values());
        model.addAttribute("triggerTypes", TriggerType.values());
        model.addAttribute("errors", errors);
        return partial(request) ? "runs/list :: results" : "runs/list";
    }

    private static <E extends Enum<E>> E parse(Class<E> type, String value, String field, UiErrors errors) {
        if (value == null || value.isBlank()) {
            return null;
        }
        try {
            return Enum.valueOf(type, value.trim().toUpperCase(Locale.ROOT));
        } catch (IllegalArgumentException e) {
            errors.add(field, "must be one of " + Arrays.toString(type.getEnumConstants()));
            return null;
        }
    }

    private static <E extends Enum<E>> Set<E> only(E value) {
        return value == null ? Set.of() : EnumSet.of(value);
    }

    /** htmx asking for the part it swaps; a history restore wants the whole page. */
    private static boolean partial(HttpServletRequest request) {
        return request.getHeader("HX-Request") != null && request.getHeader("HX-History-Restore-Request") == null;
    }
}
