package io.polysync.task.user;

import io.polysync.task.api.ConflictException;
import io.polysync.task.api.NotFoundException;
import io.polysync.task.api.PageResponse;
import io.polysync.task.security.AdminCredentials;
import io.polysync.task.security.Role;
import io.polysync.task.validation.Errors;
import org.springframework.dao.DuplicateKeyException;
import org.springframework.data.domain.Pageable;
import org.springframework.security.crypto.password.PasswordEncoder;
import org.springframework.stereotype.Service;
import org.springframework.transaction.annotation.Transactional;

import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Instant;
import java.util.Optional;
import java.util.UUID;
import java.util.regex.Pattern;

/**
 * Users for the UI (DESIGN.md section 10 rule 17), with the same roles as tokens. Passwords are kept only as a slow
 * salted hash (BCrypt). The first user ever created is an admin whatever role the request names.
 */
@Service
public class UserService {

    /** Usernames appear in URLs; e-mail addresses are allowed. */
    static final Pattern USERNAME = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._@-]{0,62}");
    static final int MIN_PASSWORD = 12;
    /** BCrypt reads at most 72 bytes; a longer password would be cut silently, so it is refused. */
    static final int MAX_PASSWORD_BYTES = 72;

    private final UserStore users;
    private final PasswordEncoder encoder;
    private final AdminCredentials admins;
    private final Clock clock;

    public UserService(UserStore users, PasswordEncoder encoder, AdminCredentials admins, Clock clock) {
        this.users = users;
        this.encoder = encoder;
        this.admins = admins;
        this.clock = clock;
    }

    @Transactional
    public UserView create(UserRequest request) {
        Errors errors = new Errors();
        if (request.username() == null || request.username().isEmpty()) {
            errors.add("username", "is required");
        } else if (!USERNAME.matcher(request.username()).matches()) {
            errors.add("username", "must be 1-63 characters: letters, digits, '.', '_', '@' or '-', starting with a "
                    + "letter or digit");
        }
        checkPassword(request.password(), true, errors);
        boolean first = !users.any();
        Optional<Role> role = role(request.role(), !first, errors);
        errors.throwIfAny();
        if (users.find(request.username()).isPresent()) {
            throw exists(request.username());
        }
        Instant now = clock.instant();
        User user = new User(UUID.randomUUID(), request.username(), encoder.encode(request.password()),
                first ? Role.ADMIN : role.orElseThrow(), now, now);
        try {
            users.insert(user);
        } catch (DuplicateKeyException concurrent) {
            throw exists(request.username());
        }
        return UserView.of(user);
    }

    @Transactional(readOnly = true)
    public UserView get(String username) {
        return UserView.of(find(username));
    }

    @Transactional(readOnly = true)
    public PageResponse<UserView> list(String usernameFilter, Pageable page) {
        return new PageResponse<>(users.list(usernameFilter, (int) page.getOffset(), page.getPageSize()).stream()
                .map(UserView::of).toList(), users.count(usernameFilter), page.getPageNumber(), page.getPageSize());
    }

    /** Changes the role and/or the password; at least one is required. */
    @Transactional
    public UserView update(String username, UserRequest request) {
        User user = find(username);
        Errors errors = new Errors();
        if (request.username() != null && !request.username().equals(username)) {
            errors.add("username", "cannot be changed");
        }
        if (request.password() == null && request.role() == null) {
            errors.add("role", "or password is required");
        }
        checkPassword(request.password(), false, errors);
        Optional<Role> role = role(request.role(), false, errors);
        errors.throwIfAny();
        Role newRole = role.orElse(user.role());
        if (user.role() == Role.ADMIN && newRole != Role.ADMIN) {
            admins.requireAnotherThan("role", "user '" + username + "'");
        }
        String hash = request.password() == null ? user.passwordHash() : encoder.encode(request.password());
        User updated = new User(user.id(), user.username(), hash, newRole, user.createdAt(), clock.instant());
        users.update(updated);
        return UserView.of(updated);
    }

    @Transactional
    public void delete(String username) {
        User user = find(username);
        if (user.role() == Role.ADMIN) {
            admins.requireAnotherThan("username", "user '" + username + "'");
        }
        users.delete(username);
    }

    private User find(String username) {
        return users.find(username)
                .orElseThrow(() -> new NotFoundException("username", "no user named '" + username + "'"));
    }

    private static Optional<Role> role(String value, boolean required, Errors errors) {
        if (value == null) {
            if (required) {
                errors.add("role", "is required");
            }
            return Optional.empty();
        }
        Optional<Role> role = Role.parse(value);
        if (role.isEmpty()) {
            errors.add("role", "must be one of " + Role.NAMES);
        }
        return role;
    }

    private static void checkPassword(String password, boolean required, Errors errors) {
        if (password == null) {
            if (required) {
                errors.add("password", "is required");
            }
            return;
        }
        if (password.length() < MIN_PASSWORD) {
            errors.add("password", "must be at least " + MIN_PASSWORD + " characters");
        } else if (password.getBytes(StandardCharsets.UTF_8).length > MAX_PASSWORD_BYTES) {
            errors.add("password", "must be at most " + MAX_PASSWORD_BYTES + " bytes in UTF-8");
        }
    }

    private static ConflictException exists(String username) {
        return new ConflictException("username", "a user named '" + username + "' already exists");
    }
}
