package io.polysync.model.param;

import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** A parameter value of the form {@code vault://<vault>/<secret>}, resolved by the worker at execution time. */
public record VaultReference(String vault, String secret) {

    public static final String SCHEME = "vault://";
    private static final Pattern FORM = Pattern.compile("vault://([A-Za-z0-9][A-Za-z0-9._-]*)/([A-Za-z0-9][A-Za-z0-9._/-]*)");

    public static Optional<VaultReference> parse(Object value) {
        if (!(value instanceof String text) || !text.startsWith(SCHEME)) {
            return Optional.empty();
        }
        Matcher m = FORM.matcher(text);
        return m.matches() ? Optional.of(new VaultReference(m.group(1), m.group(2))) : Optional.empty();
    }

    /** Whether the value claims to be a vault reference (starts with the scheme), well-formed or not. */
    public static boolean looksLikeOne(Object value) {
        return value instanceof String text && text.startsWith(SCHEME);
    }

    @Override
    public String toString() {
        return SCHEME + vault + "/" + secret;
    }
}
