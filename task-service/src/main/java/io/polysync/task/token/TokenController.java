package io.polysync.task.token;

import io.polysync.task.api.PageResponse;
import io.polysync.task.api.Paging;
import io.polysync.task.validation.Errors;
import org.springframework.data.domain.PageRequest;
import org.springframework.data.domain.Sort;
import org.springframework.http.CacheControl;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.DeleteMapping;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;

import java.net.URI;

/** API tokens (admin only, see {@code SecurityConfiguration}). */
@RestController
@RequestMapping("/api/v1/tokens")
public class TokenController {

    private final TokenService service;
    private final Paging paging;

    public TokenController(TokenService service, Paging paging) {
        this.service = service;
        this.paging = paging;
    }

    @PostMapping
    ResponseEntity<CreatedToken> create(@RequestBody TokenRequest request) {
        CreatedToken created = service.create(request);
        return ResponseEntity.created(URI.create("/api/v1/tokens/" + created.name()))
                .cacheControl(CacheControl.noStore()).body(created);
    }

    @GetMapping("/{name}")
    TokenView get(@PathVariable String name) {
        return service.get(name);
    }

    @GetMapping
    PageResponse<TokenView> list(@RequestParam(required = false) Integer page,
                                 @RequestParam(required = false) Integer size,
                                 @RequestParam(required = false) String name) {
        Errors errors = new Errors();
        PageRequest pageable = paging.of(page, size, Sort.by("name"), errors);
        errors.throwIfAny();
        return service.list(name, pageable);
    }

    @DeleteMapping("/{name}")
    ResponseEntity<Void> delete(@PathVariable String name) {
        service.delete(name);
        return ResponseEntity.noContent().build();
    }
}
