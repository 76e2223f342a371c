package io.polysync.task.job;

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

@RestController
@RequestMapping("/api/v1/jobs")
public class JobController {

    private final JobService service;
    private final Paging paging;

    public JobController(JobService service, Paging paging) {
        this.service = service;
        this.paging = paging;
    }

    @PostMapping
    ResponseEntity<JobView> create(@RequestBody JobRequest request) {
        JobView created = service.create(request);
        return ResponseEntity.created(URI.create("/api/v1/jobs/" + created.name())).body(created);
    }

    @GetMapping("/{name}")
    JobView get(@PathVariable String name) {
        return service.get(name);
    }

    @PutMapping("/{name}")
    JobView replace(@PathVariable String name, @RequestBody JobRequest request) {
        return service.replace(name, request);
    }

    @DeleteMapping("/{name}")
    ResponseEntity<Void> delete(@PathVariable String name) {
        service.delete(name);
        return ResponseEntity.noContent().build();
    }

    @GetMapping
    PageResponse<JobView> list(@RequestParam(required = false) Integer page,
                                    @RequestParam(required = false) Integer size,
                                    @RequestParam(required = false) String name) {
        Errors errors = new Errors();
        PageRequest pageable = paging.of(page, size, Sort.by("name"), errors);
        errors.throwIfAny();
        return PageResponse.of(service.list(name, pageable), v -> v);
    }
}
