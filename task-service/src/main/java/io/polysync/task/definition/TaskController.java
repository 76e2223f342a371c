package io.polysync.task.definition;

import io.polysync.task.api.PageResponse;
import io.polysync.task.api.Paging;
import io.polysync.task.validation.Errors;
import org.springframework.data.domain.PageRequest;
import org.springframework.data.domain.Sort;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.DeleteMapping;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.PutMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;

import java.net.URI;
import java.time.Clock;

@RestController
@RequestMapping("/api/v1/tasks")
public class TaskController {

    private final TaskService service;
    private final Paging paging;

    private final Clock clock;

    public TaskController(TaskService service, Paging paging, Clock clock) {
        this.service = service;
        this.paging = paging;
        this.clock = clock;
    }

    @PostMapping
    ResponseEntity<TaskView> create(@RequestBody TaskRequest request) {
        TaskView created = service.create(request);
        return ResponseEntity.created(URI.create("/api/v1/tasks/" + created.name())).body(created);
    }

    @GetMapping("/{name}")
    TaskView get(@PathVariable String name) {
        return service.get(name);
    }

    /** The request's name may be left out; the job cannot change. */
    @PutMapping("/{name}")
    TaskView replace(@PathVariable String name, @RequestBody TaskRequest request) {
        return service.replace(name, request);
    }

    /** {@code cascade=true} first removes the dependencies other tasks have on it; otherwise those make a 409. */
    @DeleteMapping("/{name}")
    ResponseEntity<Void> delete(@PathVariable String name, @RequestParam(defaultValue = "false") boolean cascade) {
        service.delete(name, cascade);
        return ResponseEntity.noContent().build();
    }

    /** Every saved version, newest first, paged. */
    @GetMapping("/{name}/versions")
    PageResponse<TaskVersionView> versions(@PathVariable String name,
                                           @RequestParam(required = false) Integer page,
                                           @RequestParam(required = false) Integer size) {
        Errors errors = new Errors();
        PageRequest pageable = paging.of(page, size, Sort.unsorted(), errors);
        errors.throwIfAny();
        return PageResponse.of(service.versions(name, pageable), v -> v);
    }

    @GetMapping("/{name}/versions/{version}")
    TaskVersionView version(@PathVariable String name, @PathVariable long version) {
        return service.version(name, version);
    }

    /** The next {@code count} (1-100, default 10) fire instants of the saved task's schedules, from now. */
    @GetMapping("/{name}/schedule-preview")
    Previews.ScheduleAnswer schedulePreview(@PathVariable String name,
                                            @RequestParam(required = false) Integer count) {
        int n = Previews.count(count);
        return Previews.schedules(service.snapshot(name), n, clock.instant());
    }

    /** The delay before each retry of the saved task's policy. */
    @GetMapping("/{name}/retry-preview")
    Previews.RetryAnswer retryPreview(@PathVariable String name) {
        return Previews.retry(service.snapshot(name).retry());
    }

    @GetMapping
    PageResponse<TaskView> list(@RequestParam(required = false) Integer page,
                                    @RequestParam(required = false) Integer size,
                                    @RequestParam(required = false) String name) {
        Errors errors = new Errors();
        PageRequest pageable = paging.of(page, size, Sort.by("name"), errors);
        errors.throwIfAny();
        return PageResponse.of(service.list(name, pageable), v -> v);
    }
}
