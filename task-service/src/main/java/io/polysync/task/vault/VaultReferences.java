package io.polysync.task.vault;

import io.polysync.model.param.VaultReference;
import io.polysync.task.validation.Errors;

import java.util.List;
import java.util.Map;
import java.util.function.Predicate;
import java.util.regex.Pattern;

/**
 * The one check of vault references wherever definitions or triggers accept them (platform config, task parameters,
 * Run Once overrides): every string that starts with {@code vault://}, however deep, must be a well-formed
 * reference whose secret name a worker can ask for and whose vault exists. Messages name the field and the vault,
 * never a literal value.
 */
public final class VaultReferences {

    /** Secret names: one path segment, so they fit in a URL and cannot climb out of a file vault's directory. */
    public static final Pattern SECRET_NAME = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._-]{0,127}");
    public static final String SECRET_NAME_RULE =
            "must be 1-128 characters: letters, digits, '.', '_' or '-', starting with a letter or digit";
    public static final String FORM = "vault://<vault>/<secret>";

    private final Predicate<String> vaultExists;

    /** @param vaultExists answers whether a vault of that name exists now */
    public VaultReferences(Predicate<String> vaultExists) {
        this.vaultExists = vaultExists;
    }

    /** Adds an error to {@code errors} for each bad reference in {@code value}. */
    public void check(Object value, String field, Errors errors) {
        if (value instanceof Map<?, ?> map) {
            map.forEach((k, v) -> check(v, field + "." + k, errors));
        } else if (value instanceof List<?> items) {
            for (int i = 0; i < items.size(); i++) {
                check(items.get(i), field + "[" + i + "]", errors);
            }
        } else if (VaultReference.looksLikeOne(value)) {
            VaultReference reference = VaultReference.parse(value).orElse(null);
            if (reference == null) {
                errors.add(field, "must be a vault reference of the form " + FORM);
            } else if (!SECRET_NAME.matcher(reference.secret()).matches()) {
                errors.add(field, "names a secret that " + SECRET_NAME_RULE);
            } else if (!vaultExists.test(reference.vault())) {
                errors.add(field, "names vault '" + reference.vault() + "', which does not exist");
            }
        }
    }

    /** Whether {@code value}, however deep, contains a reference to {@code vault}. */
    public static boolean references(Object value, String vault) {
        if (value instanceof Map<?, ?> map) {
            return map.values().stream().anyMatch(v -> references(v, vault));
        } else if (value instanceof List<?> items) {
            return items.stream().anyMatch(v -> references(v, vault));
        }
        return VaultReference.parse(value).map(r -> r.vault().equals(vault)).orElse(false);
    }
}
