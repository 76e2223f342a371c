package io.polysync.task.platform;

import io.polysync.model.param.VaultReference;
import io.polysync.task.validation.Errors;
import io.polysync.task.vault.VaultReferences;

import java.net.IDN;
import java.net.URI;
import java.net.URISyntaxException;
import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * The config of each platform type (DESIGN.md section 10 rule 14). Secret-bearing fields accept only vault
 * references; no message ever repeats a rejected value, which may be a secret typed into the wrong field.
 *
 * <ul>
 * <li>http: {@code baseUrl} (required, http or https), {@code allowedHosts} (host names; default the base URL's host,
 * stored explicitly), {@code headers} (name → vault reference)</li>
 * <li>postgres: {@code jdbcUrl} (required, {@code jdbc:postgresql:}, without a password in it), {@code username},
 * {@code password} (vault reference)</li>
 * <li>kafka: {@code bootstrapServers} (required, {@code host:port} list as a comma-separated string or an array;
 * stored as an array), {@code saslUsername}, {@code saslPassword} (vault reference)</li>
 * <li>shell: {@code workingDirectory} (optional absolute path)</li>
 * </ul>
 */
final class PlatformConfigValidator {

    static final String ONLY_VAULT_REFERENCE = "accepts only a vault reference (" + VaultReferences.FORM + ")";

    private static final Map<String, Set<String>> FIELDS = Map.of(
            "http", Set.of("baseUrl", "allowedHosts", "headers"),
            "postgres", Set.of("jdbcUrl", "username", "password"),
            "kafka", Set.of("bootstrapServers", "saslUsername", "saslPassword"),
            "shell", Set.of("workingDirectory"));

    /** RFC 1123 host names, IPv4 addresses included; no wildcards. */
    private static final Pattern HOST_NAME = Pattern.compile(
            "(?=.{1,253}$)[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?(\\.[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?)*");
    private static final Pattern IPV6 = Pattern.compile("\\[[0-9a-f:.]+]");
    /** An HTTP header name (RFC 9110 token). */
    private static final Pattern HEADER_NAME = Pattern.compile("[!#$%&'*+.^_`|~0-9A-Za-z-]{1,128}");
    private static final Pattern PASSWORD_IN_URL = Pattern.compile("(?i)[?&;]password=");

    private PlatformConfigValidator() {
    }

    /** The config to store (defaults applied), with every problem added to {@code errors}. */
    static Map<String, Object> validate(String type, Map<String, Object> config, Errors errors) {
        Map<String, Object> valid = new LinkedHashMap<>(config);
        Set<String> known = FIELDS.get(type);
        for (String key : config.keySet()) {
            if (!known.contains(key)) {
                errors.add("config." + key, "is not a setting of a " + type + " platform; its settings are "
                        + known.stream().sorted().toList());
            }
        }
        switch (type) {
            case "http" -> http(valid, errors);
            case "postgres" -> postgres(valid, errors);
            case "kafka" -> kafka(valid, errors);
            case "shell" -> shell(valid, errors);
            default -> throw new IllegalArgumentException(type);
        }
        return valid;
    }

    private static void http(Map<String, Object> config, Errors errors) {
        String host = null;
        Object baseUrl = config.get("baseUrl");
        if (baseUrl == null) {
            errors.add("config.baseUrl", "is required");
        } else if (!(baseUrl instanceof String text)) {
            errors.add("config.baseUrl", "must be a string");
        } else {
            host = httpHost(text);
            if (host == null) {
                errors.add("config.baseUrl", "must be an absolute http or https URL with a host and without "
                        + "user info, query or fragment");
            }
        }

        Object allowed = config.get("allowedHosts");
        if (allowed == null) {
            if (host != null) {
                config.put("allowedHosts", List.of(host));
            }
        } else if (!(allowed instanceof List<?> list) || list.isEmpty()) {
            errors.add("config.allowedHosts", "must be a non-empty list of host names");
        } else {
            List<String> hosts = new ArrayList<>();
            for (int i = 0; i < list.size(); i++) {
                String normalized = list.get(i) instanceof String h ? hostName(h) : null;
                if (normalized == null) {
                    errors.add("config.allowedHosts[" + i + "]", "must be a host name or IP address");
                } else {
                    hosts.add(normalized);
                }
            }
            if (hosts.size() == list.size()) {
                if (host != null && !hosts.contains(host)) {
                    errors.add("config.allowedHosts", "must include the base URL's host '" + host + "'");
                }
                config.put("allowedHosts", List.copyOf(hosts));
            }
        }

        Object headers = config.get("headers");
        if (headers != null) {
            if (!(headers instanceof Map<?, ?> map)) {
                errors.add("config.headers", "must be an object of header name to vault reference");
            } else {
                map.forEach((name, value) -> {
                    String field = "config.headers." + name;
                    if (!HEADER_NAME.matcher(String.valueOf(name)).matches()) {
                        errors.add(field, "is not a valid HTTP header name");
                    }
                    secret(value, field, errors);
                });
            }
        }
    }

    private static void postgres(Map<String, Object> config, Errors errors) {
        Object url = config.get("jdbcUrl");
        if (url == null) {
            errors.add("config.jdbcUrl", "is required");
        } else if (!(url instanceof String text) || !text.startsWith("jdbc:postgresql:") || text.isBlank()
                || text.chars().anyMatch(Character::isWhitespace)) {
            errors.add("config.jdbcUrl", "must be a PostgreSQL JDBC URL (jdbc:postgresql://host:port/database)");
        } else if (PASSWORD_IN_URL.matcher(text).find()) {
            errors.add("config.jdbcUrl", "must not contain a password: put a vault reference in config.password");
        }
        optionalString(config, "username", errors);
        if (config.containsKey("password")) {
            secret(config.get("password"), "config.password", errors);
        }
    }

    private static void kafka(Map<String, Object> config, Errors errors) {
        Object servers = config.get("bootstrapServers");
        if (servers == null) {
            errors.add("config.bootstrapServers", "is required");
        } else {
            List<Object> entries = servers instanceof String text ? List.of((Object[]) text.split(",", -1))
                    : servers instanceof List<?> list ? new ArrayList<>(list) : null;
            if (entries == null || entries.isEmpty()) {
                errors.add("config.bootstrapServers", "must be a list of host:port, as an array or "
                        + "comma-separated");
            } else {
                List<String> valid = new ArrayList<>();
                for (int i = 0; i < entries.size(); i++) {
                    String hostPort = entries.get(i) instanceof String s ? hostPort(s.trim()) : null;
                    if (hostPort == null) {
                        errors.add("config.bootstrapServers[" + i + "]", "must be host:port");
                    } else {
                        valid.add(hostPort);
                    }
                }
                config.put("bootstrapServers", List.copyOf(valid));
            }
        }
        optionalString(config, "saslUsername", errors);
        if (config.containsKey("saslPassword")) {
            secret(config.get("saslPassword"), "config.saslPassword", errors);
            if (config.get("saslUsername") == null) {
                errors.add("config.saslUsername", "is required with config.saslPassword");
            }
        }
    }

    private static void shell(Map<String, Object> config, Errors errors) {
        Object directory = config.get("workingDirectory");
        if (directory != null && !(directory instanceof String d && isAbsolute(d))) {
            errors.add("config.workingDirectory", "must be an absolute path");
        }
    }

    /**
     * A secret-bearing field takes a vault reference only. Whether it is well-formed and its vault exists is
     * checked with every other reference, so a malformed one is reported once.
     */
    private static void secret(Object value, String field, Errors errors) {
        if (!VaultReference.looksLikeOne(value)) {
            errors.add(field, ONLY_VAULT_REFERENCE);
        }
    }

    private static void optionalString(Map<String, Object> config, String key, Errors errors) {
        Object value = config.get(key);
        if (value != null && (!(value instanceof String s) || s.isBlank())) {
            errors.add("config." + key, "must be a non-blank string");
        }
    }

    /** The lower-case host of an absolute http(s) URL, or null when it is not one. */
    static String httpHost(String url) {
        try {
            URI uri = new URI(url);
            String scheme = uri.getScheme() == null ? "" : uri.getScheme().toLowerCase(Locale.ROOT);
            if (!(scheme.equals("http") || scheme.equals("https")) || uri.getRawUserInfo() != null
                    || uri.getRawQuery() != null || uri.getRawFragment() != null || uri.getHost() == null) {
                return null;
            }
            return hostName(uri.getHost());
        } catch (URISyntaxException e) {
            return null;
        }
    }

    /** A host name in ASCII lower case (IDN converted), an IPv4 address or a bracketed IPv6 address; else null. */
    static String hostName(String host) {
        String lower = host.trim().toLowerCase(Locale.ROOT);
        if (IPV6.matcher(lower).matches()) {
            return lower;
        }
        try {
            String ascii = IDN.toASCII(lower, IDN.USE_STD3_ASCII_RULES);
            return HOST_NAME.matcher(ascii).matches() ? ascii : null;
        } catch (IllegalArgumentException e) {
            return null;
        }
    }

    private static String hostPort(String entry) {
        int colon = entry.lastIndexOf(':');
        if (colon <= 0 || colon == entry.length() - 1) {
            return null;
        }
        String host = hostName(entry.substring(0, colon));
        String port = entry.substring(colon + 1);
        if (host == null || !port.chars().allMatch(Character::isDigit) || port.length() > 5) {
            return null;
        }
        int number = Integer.parseInt(port);
        return number >= 1 && number <= 65535 ? host + ":" + number : null;
    }

    private static boolean isAbsolute(String path) {
        try {
            return !path.isEmpty() && path.indexOf('\0') < 0 && Path.of(path).isAbsolute();
        } catch (InvalidPathException e) {
            return false;
        }
    }
}
