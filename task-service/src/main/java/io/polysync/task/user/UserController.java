package io.polysync.task.user;

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

/** Users (admin only, see {@code SecurityConfiguration}). */
@RestController
@RequestMapping("/api/v1/users")
public class UserController {

    private final UserService service;
    private final Paging paging;

    public UserController(UserService service, Paging paging) {
        this.service = service;
        this.paging = paging;
    }

    @PostMapping
    ResponseEntity<UserView> create(@RequestBody UserRequest request) {
        UserView created = service.create(request);
        return ResponseEntity.created(URI.create("/api/v1/users/" + created.username())).body(created);
    }

    @GetMapping("/{username}")
    UserView get(@PathVariable String username) {
        return service.get(username);
    }

    @GetMapping
    PageResponse<UserView> list(@RequestParam(required = false) Integer page,
                                @RequestParam(required = false) Integer size,
                                @RequestParam(required = false) String username) {
        Errors errors = new Errors();
        PageRequest pageable = paging.of(page, size, Sort.by("username"), errors);
        errors.throwIfAny();
        return service.list(username, pageable);
    }

    @PutMapping("/{username}")
    UserView update(@PathVariable String username, @RequestBody UserRequest request) {
        return service.update(username, request);
    }

    @DeleteMapping("/{username}")
    ResponseEntity<Void> delete(@PathVariable String username) {
        service.delete(username);
        return ResponseEntity.noContent().build();
    }
}
