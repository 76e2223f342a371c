package io.polysync.task.vault;

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

/** Vaults and their secrets; secret values are write-only here. */
@RestController
@RequestMapping("/api/v1/vaults")
public class VaultController {

    private final VaultService service;
    private final Paging paging;

    public VaultController(VaultService service, Paging paging) {
        this.service = service;
        this.paging = paging;
    }

    @PostMapping
    ResponseEntity<VaultView> create(@RequestBody VaultRequest request) {
        VaultView created = service.create(request);
        return ResponseEntity.created(URI.create("/api/v1/vaults/" + created.name())).body(created);
    }

    @GetMapping("/{name}")
    VaultView get(@PathVariable String name) {
        return service.get(name);
    }

    @GetMapping
    PageResponse<VaultView> list(@RequestParam(required = false) Integer page,
                                 @RequestParam(required = false) Integer size,
                                 @RequestParam(required = false) String name) {
        Errors errors = new Errors();
        PageRequest pageable = paging.of(page, size, Sort.by("name"), errors);
        errors.throwIfAny();
        return PageResponse.of(service.list(name, pageable), v -> v);
    }

    @PutMapping("/{name}")
    VaultView update(@PathVariable String name, @RequestBody VaultRequest request) {
        return service.update(name, request);
    }

    @DeleteMapping("/{name}")
    ResponseEntity<Void> delete(@PathVariable String name) {
        service.delete(name);
        return ResponseEntity.noContent().build();
    }

    /** Sets or replaces the value; the answer carries nothing of it. */
    @PutMapping("/{vault}/secrets/{name}")
    ResponseEntity<Void> putSecret(@PathVariable String vault, @PathVariable String name,
                                   @RequestBody SecretRequest request) {
        service.putSecret(vault, name, request);
        return ResponseEntity.noContent().build();
    }

    @GetMapping("/{vault}/secrets")
    PageResponse<SecretView> listSecrets(@PathVariable String vault,
                                         @RequestParam(required = false) Integer page,
                                         @RequestParam(required = false) Integer size) {
        Errors errors = new Errors();
        PageRequest pageable = paging.of(page, size, Sort.by("key.name"), errors);
        errors.throwIfAny();
        return PageResponse.of(service.listSecrets(vault, pageable), s -> s);
    }

    @DeleteMapping("/{vault}/secrets/{name}")
    ResponseEntity<Void> deleteSecret(@PathVariable String vault, @PathVariable String name) {
        service.deleteSecret(vault, name);
        return ResponseEntity.noContent().build();
    }
}
