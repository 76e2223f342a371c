package io.polysync.task.user;

import io.polysync.task.security.Role;
import org.springframework.jdbc.core.RowMapper;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Repository;

import java.sql.Timestamp;
import java.util.List;
import java.util.Optional;
import java.util.UUID;

/** The {@code app_user} table. */
@Repository
public class UserStore {

    private static final String COLUMNS = "id, username, password_hash, role, created_at, updated_at";
    private static final RowMapper<User> ROW = (rs, i) -> new User(rs.getObject("id", UUID.class),
            rs.getString("username"), rs.getString("password_hash"), Role.valueOf(rs.getString("role")),
            rs.getTimestamp("created_at").toInstant(), rs.getTimestamp("updated_at").toInstant());

    private final JdbcClient jdbc;

    public UserStore(JdbcClient jdbc) {
        this.jdbc = jdbc;
    }

    public Optional<User> find(String username) {
        return jdbc.sql("SELECT " + COLUMNS + " FROM app_user WHERE username = ?").param(username).query(ROW).optional();
    }

    public List<User> list(String usernameFilter, int offset, int limit) {
        return jdbc.sql("SELECT " + COLUMNS + " FROM app_user WHERE username LIKE ? ORDER BY username OFFSET ? ROWS FETCH NEXT ? ROWS ONLY")
                .params(like(usernameFilter), offset, limit).query(ROW).list();
    }

    public long count(String usernameFilter) {
        return jdbc.sql("SELECT COUNT(*) FROM app_user WHERE username LIKE ?").param(like(usernameFilter))
                .query(Long.class).single();
    }

    public boolean any() {
        return jdbc.sql("SELECT COUNT(*) FROM app_user").query(Long.class).single() > 0;
    }

    public long countWithRole(Role role) {
        return jdbc.sql("SELECT COUNT(*) FROM app_user WHERE role = ?").param(role.name()).query(Long.class).single();
    }

    public void insert(User user) {
        jdbc.sql("INSERT INTO app_user (" + COLUMNS + ") VALUES (?, ?, ?, ?, ?, ?)")
                .params(user.id(), user.username(), user.passwordHash(), user.role().name(),
                        Timestamp.from(user.createdAt()), Timestamp.from(user.updatedAt()))
                .update();
    }

    public void update(User user) {
        jdbc.sql("UPDATE app_user SET password_hash = ?, role = ?, updated_at = ? WHERE id = ?")
                .params(user.passwordHash(), user.role().name(), Timestamp.from(user.updatedAt()), user.id())
                .update();
    }

    public boolean delete(String username) {
        return jdbc.sql("DELETE FROM app_user WHERE username = ?").param(username).update() == 1;
    }

    private static String like(String filter) {
        String plain = filter == null ? "" : filter.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_");
        return "%" + plain + "%";
    }
}
