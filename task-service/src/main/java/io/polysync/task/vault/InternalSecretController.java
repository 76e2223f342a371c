package io.polysync.task.vault;

import org.springframework.http.CacheControl;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RestController;

import java.util.Map;

/**
 * Where workers read secret values of every kind of vault, just before a job needs them. Only the internal token
 * gets here ({@link InternalSecurityConfiguration}); no API token does.
 */
@RestController
@RequestMapping("/internal/v1/vaults")
public class InternalSecretController {

    private final VaultService service;

    public InternalSecretController(VaultService service) {
        this.service = service;
    }

    @GetMapping("/{vault}/secrets/{name}")
    ResponseEntity<Map<String, String>> value(@PathVariable String vault, @PathVariable String name) {
        return ResponseEntity.ok().cacheControl(CacheControl.noStore())
                .body(Map.of("value", service.resolve(vault, name)));
    }
}
