package io.polysync.task.ui.task;

import io.polysync.model.cron.CronSchedule;
import io.polysync.task.definition.TaskService;
import io.polysync.task.definition.TaskView;
import io.polysync.task.security.Role;
import org.springframework.data.domain.Page;
import org.springframework.data.domain.PageRequest;
import org.springframework.data.domain.Sort;
import io.polysync.task.ui.UiUser;
import org.springframework.stereotype.Controller;
import org.springframework.ui.Model;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.ModelAttribute;
import org.springframework.web.bind.annotation.RequestParam;

import java.time.Clock;
import java.time.Instant;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;

/** The Tasks page: a searchable, paged list with each task's last run, next fire time and priority. */
@Controller
class TaskListController {

    static final int PAGE_SIZE = 20;

    /** One row of the list. {@code lastRun} and {@code nextFire} are null when there is none. */
    record Row(String name, String job, String platform, int priority, TaskPageQueries.LastRun lastRun,
               String lastRunAt, String nextFire, int schedules) {
    }

    private final TaskService tasks;
    private final TaskPageQueries queries;
    private final Clock clock;

    TaskListController(TaskService tasks, TaskPageQueries queries, Clock clock) {
        this.tasks = tasks;
        this.queries = queries;
        this.clock = clock;
    }

    @GetMapping("/tasks")
    String list(@RequestParam(name = "q", defaultValue = "") String query,
                @RequestParam(name = "page", defaultValue = "0") int page,
                @ModelAttribute("currentUser") UiUser user, Model model) {
        String q = query.trim();
        Page<TaskView> found = tasks.list(q, PageRequest.of(Math.max(page, 0), PAGE_SIZE, Sort.by("name")));
        if (found.getNumber() > 0 && found.getNumber() >= found.getTotalPages()) {
            found = tasks.list(q, PageRequest.of(Math.max(found.getTotalPages() - 1, 0), PAGE_SIZE,
                    Sort.by("name")));
        }
        Map<UUID, TaskPageQueries.LastRun> lastRuns = queries.lastRuns(found.map(TaskView::id).getContent());
        Instant now = clock.instant();
        model.addAttribute("rows", found.map(t -> row(t, lastRuns.get(t.id()), now)).getContent());
        model.addAttribute("page", found);
        model.addAttribute("q", q);
        model.addAttribute("canEdit", user.has(Role.EDITOR));
        model.addAttribute("canRun", user.has(Role.OPERATOR));
        return "tasks/list";
    }

    private static Row row(TaskView task, TaskPageQueries.LastRun lastRun, Instant now) {
        Optional<Instant> next = task.schedules().stream()
                .map(s -> CronSchedule.parse(s.cron(), s.timeZone()).next(now))
                .flatMap(Optional::stream).min(Instant::compareTo);
        return new Row(task.name(), task.job(), task.platform(), task.priority(), lastRun,
                lastRun == null ? null : Times.utc(lastRun.queuedAt()), next.map(Times::utc).orElse(null),
                task.schedules().size());
    }
}
